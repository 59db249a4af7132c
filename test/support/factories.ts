import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';
import { OPERATOR_TOKEN } from './test-app';

export interface Tenant {
  id: string;
  slug: string;
  adminApiKey: string;
  /** `Authorization` header value for the tenant's admin key. */
  auth: string;
}

export function uniqueSlug(prefix = 'org'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function operatorAuth(): string {
  return `Bearer ${OPERATOR_TOKEN}`;
}

/** A fresh organization created through the operator API, with its admin key. */
export async function aTenant(
  app: TestApp,
  overrides: Partial<{
    name: string;
    slug: string;
    plan: 'team' | 'enterprise';
    totalLicenses: number;
  }> = {},
): Promise<Tenant> {
  const slug = overrides.slug ?? uniqueSlug();
  const response = await app
    .http()
    .post('/api/v1/organizations')
    .set('Authorization', operatorAuth())
    .send({ name: `Org ${slug}`, slug, plan: 'enterprise', totalLicenses: 10, ...overrides });
  if (response.status !== 201) {
    throw new Error(
      `creating a tenant failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  const body = response.body as { id: string; slug: string; adminApiKey: string };
  return {
    id: body.id,
    slug: body.slug,
    adminApiKey: body.adminApiKey,
    auth: `Bearer ${body.adminApiKey}`,
  };
}

export interface ScimTenant extends Tenant {
  /** `Authorization` header value for the tenant's SCIM credentials. */
  scimAuth: string;
  baseUrl: string;
}

/** An enterprise organization with SCIM enabled (bearer by default), set up for `idp`. */
export async function aScimTenant(
  app: TestApp,
  authMethod: 'bearer' | 'basic' = 'bearer',
  idp: 'okta' | 'entra' | 'onelogin' | 'jumpcloud' | 'google' | 'other' = 'okta',
): Promise<ScimTenant> {
  const tenant = await aTenant(app, { plan: 'enterprise' });
  const response = await app
    .http()
    .post('/api/v1/scim/integration')
    .set('Authorization', tenant.auth)
    .send({ idp, authMethod });
  if (response.status !== 201) {
    throw new Error(`enabling SCIM failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  const body = response.body as {
    token?: string;
    username?: string;
    password?: string;
    baseUrl: string;
  };
  const scimAuth =
    authMethod === 'bearer'
      ? `Bearer ${body.token}`
      : `Basic ${Buffer.from(`${body.username}:${body.password}`).toString('base64')}`;
  return { ...tenant, scimAuth, baseUrl: body.baseUrl };
}

/** A custom license pool made by the admin API (POST /api/v1/license-pools); answers its id. */
export async function aPool(
  app: TestApp,
  tenant: Pick<Tenant, 'auth'>,
  name: string,
  capacity: number,
): Promise<string> {
  const response = await app
    .http()
    .post('/api/v1/license-pools')
    .set('Authorization', tenant.auth)
    .send({ name, capacity })
    .expect(201);
  return (response.body as { id: string }).id;
}

/** The operator's one-time setup link into the admin portal for an organization (its URL). */
export async function portalSetupLink(app: TestApp, organizationId: string): Promise<string> {
  const response = await app
    .http()
    .post(`/api/v1/organizations/${organizationId}/setup-link`)
    .set('Authorization', operatorAuth())
    .expect(201);
  return response.body.url as string;
}

/** An admin portal session opened with a fresh setup link: its Cookie header and CSRF token. */
export async function aPortalSession(
  app: TestApp,
  organizationId: string,
): Promise<{ cookie: string; csrf: string }> {
  const url = await portalSetupLink(app, organizationId);
  const setupToken = url.slice(url.indexOf('#token=') + '#token='.length);
  const response = await app.http().post('/api/v1/portal/session').send({ setupToken }).expect(201);
  const setCookie = (response.headers['set-cookie'] as unknown as string[]).find((c) =>
    c.startsWith('rollcall_portal='),
  )!;
  return { cookie: setCookie.split(';')[0], csrf: response.body.csrfToken as string };
}

/** The id of the organization's user with this userName, found through the admin API. */
export async function userIdOf(
  app: TestApp,
  tenant: Pick<Tenant, 'auth'>,
  userName: string,
): Promise<string> {
  const list = await app
    .http()
    .get('/api/v1/users')
    .query({ q: userName })
    .set('Authorization', tenant.auth)
    .expect(200);
  const user = (list.body.data as { id: string; userName: string }[]).find(
    (u) => u.userName === userName,
  );
  if (!user) throw new Error(`no user ${userName}`);
  return user.id;
}

/** Gives the user with this userName a role through the admin API; returns their id. */
export async function setRoleOf(
  app: TestApp,
  tenant: Pick<Tenant, 'auth'>,
  userName: string,
  role: string,
): Promise<string> {
  const id = await userIdOf(app, tenant, userName);
  await app
    .http()
    .patch(`/api/v1/users/${id}`)
    .set('Authorization', tenant.auth)
    .send({ role })
    .expect(200);
  return id;
}
