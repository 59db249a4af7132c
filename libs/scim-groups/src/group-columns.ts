import { GROUP_SEARCH_COLUMNS, GROUP_SORT_EXPRESSIONS } from '@rollcall/identity';
import { catalogColumns } from '@rollcall/scim';

/** Where /Groups filters and sorts find each SCIM attribute: the groups repository's catalog. */
export const GROUP_COLUMNS = catalogColumns(GROUP_SEARCH_COLUMNS, GROUP_SORT_EXPRESSIONS);
