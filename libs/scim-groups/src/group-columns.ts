import { catalogEntry } from '@rollcall/common';
import { GROUP_SEARCH_COLUMNS, GROUP_SORT_EXPRESSIONS } from '@rollcall/identity';
import type { ResourceColumns } from '@rollcall/scim';

const META: Readonly<Record<string, string>> = {
  'meta.created': 'created',
  'meta.lastmodified': 'lastmodified',
};

const groupAttribute = (path: string): string => catalogEntry(META, path) ?? path;

/** Where /Groups filters and sorts find each SCIM attribute: the groups repository's catalog. */
export const GROUP_COLUMNS: ResourceColumns = {
  filter: (path) => catalogEntry(GROUP_SEARCH_COLUMNS, groupAttribute(path)),
  sort: (path) => catalogEntry(GROUP_SORT_EXPRESSIONS, groupAttribute(path)),
};
