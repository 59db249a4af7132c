import type { ScimTenant } from './factories';
import type { TestApp } from './test-app';

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

type Query = Record<string, string | number>;

/** SCIM requests as an identity provider sends them, with the tenant's SCIM credentials. */
export function scimClient(app: TestApp, tenant: Pick<ScimTenant, 'scimAuth'>) {
  const withBody =
    (method: 'post' | 'put' | 'patch') =>
    (path: string, body: unknown, query: Query = {}) =>
      app
        .http()
        [method](`/scim/v2${path}`)
        .query(query)
        .set('Authorization', tenant.scimAuth)
        .set('Content-Type', 'application/scim+json')
        .send(JSON.stringify(body));
  const patchBody = withBody('patch');
  return {
    get: (path: string, query: Query = {}) =>
      app.http().get(`/scim/v2${path}`).query(query).set('Authorization', tenant.scimAuth),
    post: withBody('post'),
    put: withBody('put'),
    /** PATCH with a PatchOp body made of `operations`. */
    patch: (path: string, operations: unknown[], query: Query = {}) =>
      patchBody(path, { schemas: [PATCH_OP], Operations: operations }, query),
    /** PATCH with any body. */
    patchBody,
    delete: (path: string) =>
      app.http().delete(`/scim/v2${path}`).set('Authorization', tenant.scimAuth),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;

/** Creates SCIM users and returns their ids, in order. */
export async function scimUsers(
  client: ScimClient,
  userNames: string[],
  extra: Record<string, unknown> = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (const userName of userNames) {
    const response = await client.post('/Users', { userName, ...extra });
    if (response.status !== 201) {
      throw new Error(`creating ${userName} failed: ${response.status} ${response.text}`);
    }
    ids.push((response.body as { id: string }).id);
  }
  return ids;
}

const ROLLCALL_USER = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';

/** A person as an IdP provisions them: their names, work email and (optionally) license pool. */
export interface Person {
  userName: string;
  givenName?: string;
  familyName?: string;
  /** Defaults to "givenName familyName" when both are given. */
  displayName?: string;
  externalId?: string;
  /** licensePoolName in Rollcall's extension; absent = the default pool. */
  pool?: string;
}

/** The SCIM User resource an IdP sends for `person`. */
export function personResource(person: Person): Record<string, unknown> {
  const { userName, givenName, familyName, externalId, pool } = person;
  const displayName =
    person.displayName ?? (givenName && familyName ? `${givenName} ${familyName}` : undefined);
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ...(pool ? [ROLLCALL_USER] : [])],
    userName,
    ...(externalId ? { externalId } : {}),
    ...(givenName || familyName ? { name: { givenName, familyName } } : {}),
    ...(displayName ? { displayName } : {}),
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...(pool ? { [ROLLCALL_USER]: { licensePoolName: pool } } : {}),
  };
}

/** POST /Users for `person`: the response, for a test that expects a refusal. */
export function postPerson(app: TestApp, tenant: Pick<ScimTenant, 'scimAuth'>, person: Person) {
  return scimClient(app, tenant).post('/Users', personResource(person));
}

/** Provisions `person` over SCIM and returns the new user's id. */
export async function provisionPerson(
  app: TestApp,
  tenant: Pick<ScimTenant, 'scimAuth'>,
  person: Person,
): Promise<string> {
  const response = await postPerson(app, tenant, person);
  if (response.status !== 201) {
    throw new Error(`provisioning ${person.userName} failed: ${response.status} ${response.text}`);
  }
  return (response.body as { id: string }).id;
}
