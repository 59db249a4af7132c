import { aPool, aScimTenant, type ScimTenant, type Tenant } from './factories';
import { scimClient, type ScimClient } from './scim-client';
import {
  assertionXml,
  base64,
  configureSaml,
  postAcs,
  responseXml,
  signElement,
  IDP_KEY,
  spUrls,
} from './saml';
import type { TestApp } from './test-app';

/**
 * What the per-IdP suites (test/idp) share: the organization an IdP connects to, the admin API's
 * view of a user and of the seats, and a SAML sign-in shaped as a given IdP sends it. SCIM requests go through scim-client.ts, which sends
 * the IdP's bodies exactly as written.
 */

export type IdpName = NonNullable<Parameters<typeof aScimTenant>[2]>;

export interface IdpOrganizationOptions {
  /** A SAML connection to the test IdP (saml.ts `configureSaml`). */
  saml?: boolean;
  /** A custom license pool made by the admin API (after the SAML connection). */
  pool?: { name: string; capacity: number };
}

/**
 * Where each per-IdP sequence starts: an enterprise organization whose SCIM integration is set up
 * for `idp` with bearer credentials, and the SCIM client the IdP would be.
 */
export async function idpOrganization(
  app: TestApp,
  idp: IdpName,
  options: IdpOrganizationOptions = {},
): Promise<{ tenant: ScimTenant; client: ScimClient }> {
  const tenant = await aScimTenant(app, 'bearer', idp);
  if (options.saml) await configureSaml(app, tenant.adminApiKey);
  if (options.pool) await aPool(app, tenant, options.pool.name, options.pool.capacity);
  return { tenant, client: scimClient(app, tenant) };
}

export interface AdminUser {
  id: string;
  userName: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  email: string | null;
  externalId: string | null;
  status: 'provisioned' | 'pending' | 'active' | 'deactivated';
  licensePool: { id: string; name: string };
  scimManaged: boolean;
  firstLoginAt: string | null;
  lastLoginAt: string | null;
}

/** The user as the admin API shows it (GET /api/v1/users/{id}). */
export async function adminUser(app: TestApp, tenant: Tenant, id: string): Promise<AdminUser> {
  const response = await app.http().get(`/api/v1/users/${id}`).set('Authorization', tenant.auth);
  if (response.status !== 200) {
    throw new Error(`GET /api/v1/users/${id} answered ${response.status} ${response.text}`);
  }
  return response.body as AdminUser;
}

/** The users the admin API lists for a filter (GET /api/v1/users). */
export async function adminUsers(
  app: TestApp,
  tenant: Tenant,
  query: Record<string, string> = {},
): Promise<AdminUser[]> {
  const response = await app
    .http()
    .get('/api/v1/users')
    .query(query)
    .set('Authorization', tenant.auth)
    .expect(200);
  return (response.body as { data: AdminUser[] }).data;
}

/** The member ids of a group as SCIM answers them (GET /Groups/{id}), sorted. */
export async function scimGroupMembers(client: ScimClient, groupId: string): Promise<string[]> {
  const response = await client.get(`/Groups/${groupId}`).expect(200);
  return ((response.body as { members?: { value: string }[] }).members ?? [])
    .map((m) => m.value)
    .sort();
}

export interface PoolSeats {
  id: string;
  capacity: number;
  used: number;
  remaining: number;
}

/** Seats per pool name, as GET /api/v1/license-pools shows them. */
export async function seats(app: TestApp, tenant: Tenant): Promise<Record<string, PoolSeats>> {
  const response = await app
    .http()
    .get('/api/v1/license-pools')
    .set('Authorization', tenant.auth)
    .expect(200);
  const pools = (response.body as { data: (PoolSeats & { name: string })[] }).data;
  return Object.fromEntries(
    pools.map((p) => [
      p.name,
      { id: p.id, capacity: p.capacity, used: p.used, remaining: p.remaining },
    ]),
  );
}

export const NAMEID_EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const NAME_FORMATS = {
  basic: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
  unspecified: 'urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified',
  uri: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
} as const;

/** An assertion's subject and attributes as one IdP writes them (see test/fixtures/<idp>.ts). */
export interface IdpAssertion {
  nameId: string;
  /** Default: the emailAddress format. */
  nameIdFormat?: string;
  /** Attribute name → value(s), exactly these and no others. */
  attributes: Record<string, string | string[]>;
  /** The Attribute NameFormat the IdP writes; `none` leaves it out. */
  nameFormat?: keyof typeof NAME_FORMATS | 'none';
  /** What the IdP signs; default the assertion. */
  sign?: 'assertion' | 'response' | 'both';
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Posts a signed SAML response to the organization's ACS carrying exactly the IdP's NameID and
 * attributes: the test IdP's assertion (saml.ts) with its subject and attribute statement rewritten
 * before signing.
 */
export function idpSignIn(app: TestApp, tenant: Pick<Tenant, 'slug'>, assertion: IdpAssertion) {
  const sp = spUrls(app, tenant.slug);
  const base = assertionXml({ sp, email: assertion.nameId, nameId: assertion.nameId });
  const format = assertion.nameFormat ?? 'none';
  const nameFormat = format === 'none' ? '' : ` NameFormat="${NAME_FORMATS[format]}"`;
  const attributes = Object.entries(assertion.attributes)
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${escape(name)}"${nameFormat}>${(Array.isArray(value)
          ? value
          : [value]
        )
          .map(
            (v) =>
              `<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${escape(v)}</saml:AttributeValue>`,
          )
          .join('')}</saml:Attribute>`,
    )
    .join('');
  const xml = base.xml
    .replace(
      /<saml:NameID Format="[^"]*">/,
      `<saml:NameID Format="${escape(assertion.nameIdFormat ?? NAMEID_EMAIL)}">`,
    )
    .replace(
      /<saml:AttributeStatement>.*<\/saml:AttributeStatement>/,
      attributes === '' ? '' : `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>`,
    );
  const sign = assertion.sign ?? 'assertion';
  const signed = sign === 'response' ? xml : signElement(xml, base.id, IDP_KEY);
  const response = responseXml(signed, { sp });
  const body =
    sign === 'assertion' ? response.xml : signElement(response.xml, response.id, IDP_KEY);
  return postAcs(app, tenant.slug, base64(body));
}

/** The latest sign-in attempt the admin API lists (GET /api/v1/sso/sign-ins). */
export async function lastSignIn(
  app: TestApp,
  tenant: Tenant,
): Promise<{ outcome: string; reason: string; subject: string | null; userId: string | null }> {
  const response = await app
    .http()
    .get('/api/v1/sso/sign-ins')
    .set('Authorization', tenant.auth)
    .expect(200);
  return (response.body as { data: never[] }).data[0];
}
