import type { Operation } from './openapi';

/** The kinds of tenant-owned resources a route may name by id. */
export type ResourceKind =
  'organization' | 'adminApiKey' | 'licensePool' | 'user' | 'group' | 'webhookEndpoint';

/** What a path parameter stands for. */
export type PathParameterMeaning =
  /** The id of a resource of this kind; for `memberOf`, a member of the resource named before it. */
  | { kind: ResourceKind; memberOf?: ResourceKind }
  /** Not tenant data: the same fixed documents for everyone (SCIM discovery). */
  | { fixed: string }
  /** An organization's slug on a route that is public by design (the SAML endpoints). */
  | { publicSlug: true };

/**
 * Every path parameter the security suites know, by the path segment before it and its name. A
 * route with a parameter missing here fails the tenant-isolation walk, so that no route can be added
 * without being proven to stay inside its tenant.
 */
export const PATH_PARAMETERS: Record<string, PathParameterMeaning> = {
  'organizations/{id}': { kind: 'organization' },
  'admin-api-keys/{id}': { kind: 'adminApiKey' },
  'license-pools/{id}': { kind: 'licensePool' },
  'users/{id}': { kind: 'user' },
  'Users/{id}': { kind: 'user' },
  'groups/{id}': { kind: 'group' },
  'Groups/{id}': { kind: 'group' },
  'members/{userId}': { kind: 'user', memberOf: 'group' },
  'webhooks/{id}': { kind: 'webhookEndpoint' },
  'ResourceTypes/{id}': { fixed: 'User' },
  'Schemas/{id}': { fixed: 'urn:ietf:params:scim:schemas:core:2.0:User' },
};

/** The meaning of each path parameter of an operation, or a message saying which one is unknown. */
export function pathParameterMeanings(
  operation: Operation,
): { name: string; meaning: PathParameterMeaning }[] | string {
  const segments = operation.path.split('/');
  const meanings: { name: string; meaning: PathParameterMeaning }[] = [];
  for (const [index, segment] of segments.entries()) {
    const match = /^\{(.+)\}$/.exec(segment);
    if (!match?.[1]) continue;
    const name = match[1];
    if (name === 'orgSlug') {
      meanings.push({ name, meaning: { publicSlug: true } });
      continue;
    }
    const key = `${segments[index - 1] ?? ''}/{${name}}`;
    const meaning = PATH_PARAMETERS[key];
    if (!meaning) {
      return (
        `${operation.name}: the path parameter "${name}" (after "${segments[index - 1]}/") is unknown ` +
        `to the security suites. Add "${key}" to PATH_PARAMETERS in test/support/route-parameters.ts ` +
        'with the kind of resource it names (and let the tenants of test/security/tenant-isolation ' +
        'own one), so that the walk proves another tenant gets 404 for it.'
      );
    }
    meanings.push({ name, meaning });
  }
  return meanings;
}

/**
 * Query parameters that carry the id of a tenant's resource, by name. `filtersOwnRequests`: the
 * parameter filters a log of the caller's own requests (the provisioning log), which records the ids
 * those requests named, another tenant's included: that is the caller's knowledge, not the other
 * tenant's data.
 */
export const QUERY_ID_PARAMETERS: Record<
  string,
  { kind: ResourceKind; filtersOwnRequests?: true }
> = {
  poolId: { kind: 'licensePool' },
  groupId: { kind: 'group' },
  userId: { kind: 'user' },
  resourceId: { kind: 'user', filtersOwnRequests: true },
};

/** What an id inside a request body stands for: a kind, or `ignored` (read-only, e.g. a resource's own `id`). */
export type BodyIdMeaning = ResourceKind | 'ignored';

/**
 * Ids in request bodies, by the name of the key that holds them (or holds an array of them), as
 * `parent.key` where a key means different things in different places.
 */
export const BODY_ID_KEYS: Record<string, BodyIdMeaning> = {
  licensePoolId: 'licensePool',
  userIds: 'user',
  // SCIM: members of a group, in bodies and in PATCH values (`{op: add, path: members, value: [...]}`)
  'members.value': 'user',
  'value.value': 'user',
  // SCIM: PATCH paths that select members by value (`members[value eq "..."]`)
  path: 'user',
  'manager.value': 'user',
  // SCIM: the resource's own id and location are read-only and ignored on writes.
  id: 'ignored',
  location: 'ignored',
  // The admin portal's setup token names its own link, not a tenant resource.
  setupToken: 'ignored',
  $ref: 'ignored',
};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * A copy of `body` with every id replaced by `pick(kind)`, following BODY_ID_KEYS. Throws, naming the
 * key, when an id sits under a key the suites do not know.
 */
export function replaceBodyIds(
  operation: Operation,
  body: unknown,
  pick: (kind: ResourceKind) => string,
): unknown {
  const visit = (value: unknown, key: string, parent: string): unknown => {
    if (typeof value === 'string') {
      if (!new RegExp(UUID.source, 'i').test(value)) return value;
      const meaning = BODY_ID_KEYS[`${parent}.${key}`] ?? BODY_ID_KEYS[key];
      if (!meaning) {
        throw new Error(
          `${operation.name}: the request body holds an id under "${parent}.${key}", which the ` +
            'security suites do not know. Add the key to BODY_ID_KEYS in ' +
            'test/support/route-parameters.ts with the kind of resource it names.',
        );
      }
      return meaning === 'ignored' ? value : value.replace(UUID, () => pick(meaning));
    }
    if (Array.isArray(value)) return value.map((item) => visit(item, key, parent));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, visit(item, name, key)]),
      );
    }
    return value;
  };
  return visit(body, '', '');
}
