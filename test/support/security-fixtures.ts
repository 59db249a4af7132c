import { aScimTenant, aTenant, operatorAuth, type ScimTenant } from './factories';
import type { Operation } from './openapi';
import { pathParameterMeanings, type ResourceKind } from './route-parameters';
import { scimClient, scimUsers } from './scim-client';
import type { TestApp } from './test-app';

/** A SCIM tenant with resources of every kind, and the ids of each kind. */
export interface PopulatedTenant extends ScimTenant {
  ids: Record<ResourceKind, string[]>;
  /** (group, user) memberships. */
  members: { groupId: string; userId: string }[];
  /** An organization of its own for the operator routes, which may change its plan. */
  operatorTarget: string;
}

/** The table of each kind of resource. */
const TABLES: Record<Exclude<ResourceKind, 'organization'>, string> = {
  adminApiKey: 'admin_api_keys',
  licensePool: 'license_pools',
  user: 'users',
  group: 'groups',
  webhookEndpoint: 'webhook_endpoints',
};

/**
 * Pools, SCIM users (one deactivated), a SCIM group and a manual group, a second admin key, a
 * webhook endpoint (on loopback, which test configs allow; nothing delivers in these suites).
 */
export async function aPopulatedTenant(app: TestApp): Promise<PopulatedTenant> {
  const tenant = await aScimTenant(app);
  const admin = (url: string, body: unknown) =>
    app
      .http()
      .post(url)
      .set('Authorization', tenant.auth)
      .send(body as object)
      .expect(201);
  await admin('/api/v1/license-pools', { name: 'Sales', capacity: 3 });
  await admin('/api/v1/license-pools', { name: 'Support', capacity: 1 });
  await admin('/api/v1/admin-api-keys', { name: 'terraform' });
  await admin('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks' });
  const scim = scimClient(app, tenant);
  const users = await scimUsers(scim, ['ann@example.com', 'bob@example.com', 'cid@example.com'], {
    emails: [{ value: 'work@example.com', type: 'work', primary: true }],
  });
  await scim
    .patch(`/Users/${users[2]}`, [{ op: 'replace', path: 'active', value: false }])
    .expect((r) => expect(r.status).toBeLessThan(300));
  await scim
    .post('/Groups', {
      displayName: 'Engineering',
      members: users.slice(0, 2).map((value) => ({ value })),
    })
    .expect(201);
  const cohort = await admin('/api/v1/groups', { displayName: 'Cohort' });
  await app
    .http()
    .post(`/api/v1/groups/${(cohort.body as { id: string }).id}/members`)
    .set('Authorization', tenant.auth)
    .send({ userIds: [users[0]] })
    .expect((r) => expect(r.status).toBeLessThan(300));
  const ids = await idsOf(app, tenant.id);
  const members: { group_id: string; user_id: string }[] = await app.dataSource.query(
    'SELECT group_id, user_id FROM group_members WHERE organization_id = $1',
    [tenant.id],
  );
  const operatorTarget = (await aTenant(app)).id;
  return {
    ...tenant,
    ids,
    members: members.map((m) => ({ groupId: m.group_id, userId: m.user_id })),
    operatorTarget,
  };
}

/** The ids of an organization's resources of every kind, oldest first. */
export async function idsOf(
  app: TestApp,
  organizationId: string,
): Promise<Record<ResourceKind, string[]>> {
  const ids: Record<ResourceKind, string[]> = {
    organization: [organizationId],
    adminApiKey: [],
    licensePool: [],
    user: [],
    group: [],
    webhookEndpoint: [],
  };
  for (const [kind, table] of Object.entries(TABLES)) {
    const rows: { id: string }[] = await app.dataSource.query(
      `SELECT id FROM "${table}" WHERE organization_id = $1 ORDER BY created_at, id`,
      [organizationId],
    );
    ids[kind as ResourceKind] = rows.map((r) => r.id);
  }
  return ids;
}

/** The `Authorization` header that fits a route, or undefined for a public one. */
export function authorizationFor(
  operation: Operation,
  tenant: PopulatedTenant,
): string | undefined {
  if (operation.security.includes('adminApiKey')) return tenant.auth;
  if (operation.security.includes('scimBearer')) return tenant.scimAuth;
  if (operation.security.includes('operatorToken')) return operatorAuth();
  return undefined;
}

/**
 * The operation's path with the tenant's ids (`choose` picks among them), or undefined when the
 * route has a parameter the suites do not know (the tenant-isolation walk reports those).
 */
export function pathFor(
  operation: Operation,
  tenant: PopulatedTenant,
  choose: (ids: string[]) => string = (ids) => ids[0] ?? '',
): string | undefined {
  const meanings = pathParameterMeanings(operation);
  if (typeof meanings === 'string') return undefined;
  const values: Record<string, string> = {};
  let group: string | undefined;
  for (const { name, meaning } of meanings) {
    if ('fixed' in meaning) values[name] = meaning.fixed;
    else if ('publicSlug' in meaning) values[name] = tenant.slug;
    else if (meaning.kind === 'organization') values[name] = tenant.operatorTarget;
    else if (meaning.memberOf === 'group' && group) {
      values[name] = choose(tenant.members.filter((m) => m.groupId === group).map((m) => m.userId));
    } else {
      values[name] = choose(tenant.ids[meaning.kind]);
      if (meaning.kind === 'group') group = values[name];
    }
  }
  return operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    encodeURIComponent(values[name] ?? ''),
  );
}
