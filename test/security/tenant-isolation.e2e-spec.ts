import { ProvisioningLogService } from '@rollcall/integration';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operatorAuth } from '../support/factories';
import { call, type HttpCall, type HttpResult } from '../support/http-call';
import {
  exampleOf,
  expressPath,
  fetchOpenApi,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  registeredRoutes,
  schemaName,
} from '../support/openapi';
import {
  pathParameterMeanings,
  type PathParameterMeaning,
  QUERY_ID_PARAMETERS,
  replaceBodyIds,
  type ResourceKind,
} from '../support/route-parameters';
import { PATCH_OP } from '../support/scim-client';
import { idsOf } from '../support/security-fixtures';
import { REJECTION_SNAPSHOT, snapshotDifference, TenantSnapshot } from '../support/tenant-snapshot';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Tenant isolation, exhaustively: every operation of the OpenAPI document the app serves, and every
 * route Express serves beyond it, is called by tenant B (its admin key, its SCIM bearer token, and
 * tenant C's SCIM Basic credentials) with the ids of tenant A's resources. Each call must answer
 * 404 (401/403 where the credentials do not fit the route), leave every row of A unchanged, and
 * show B nothing of A. A route with a path parameter, a body id, a security scheme or a public path
 * the walk does not know fails the suite with a message saying what to add, so that no new route
 * can forget the tenant scope.
 */

/** Security schemes of the document, and which of the walk's credentials each one expects. */
const SCHEMES: Record<string, 'admin' | 'scim' | 'operator'> = {
  adminApiKey: 'admin',
  scimBearer: 'scim',
  scimBasic: 'scim',
  operatorToken: 'operator',
};

/**
 * Routes without credentials, and why that is safe. Routes keyed by an organization's slug
 * (`{orgSlug}`, the SAML endpoints) are public by design and need no entry. `operatorData`: the
 * route is meant for the operator and shows every organization (the walk does not look for A's data
 * in it).
 */
const PUBLIC_ROUTES: Record<string, { why: string; operatorData?: true }> = {
  'GET /health/live': { why: 'liveness probe' },
  'GET /health/ready': { why: 'readiness probe' },
  'GET /metrics': {
    why:
      'Prometheus metrics, with seat gauges per organization slug and pool name: for the ' +
      'operator, who sets ROLLCALL_METRICS_TOKEN (or keeps the path off the public network)',
    operatorData: true,
  },
  'GET /scim/v2/ServiceProviderConfig': { why: 'SCIM discovery, the same for every tenant' },
  'GET /scim/v2/ResourceTypes': { why: 'SCIM discovery, the same for every tenant' },
  'GET /scim/v2/ResourceTypes/{id}': { why: 'SCIM discovery, the same for every tenant' },
  'GET /scim/v2/Schemas': { why: 'SCIM discovery, the same for every tenant' },
  'GET /scim/v2/Schemas/{id}': { why: 'SCIM discovery, the same for every tenant' },
  'POST /scim/v2/Bulk': { why: 'not implemented (501) for everyone' },
  'GET /scim/v2/Me': { why: 'not implemented (501) for everyone' },
  'GET /home': { why: 'the signed-in person’s page: its session cookie decides, no header' },
  'POST /sso/logout': { why: 'ends the session of the cookie it is sent with' },
  'POST /api/v1/portal/session': { why: 'opens a portal session with a one-time setup link' },
  'GET /api/v1/portal/session': { why: 'the admin portal’s session: its cookie decides' },
  'DELETE /api/v1/portal/session': { why: 'ends the portal session of the cookie it is sent with' },
};

/** Routes Express serves that the document leaves out, and why. */
const UNDOCUMENTED_ROUTES: { method: string; path: RegExp; why: string }[] = [
  { method: 'get', path: /^\/docs(?:\/.*|-json|-yaml)?$/, why: 'Swagger UI and the document' },
  // The same files for everyone, no tenant data: the data comes from the API routes walked here.
  { method: 'get', path: /^\/admin(?:\/.*)?$/, why: 'the admin portal’s HTML and bundled assets' },
  { method: '*', path: /^\/\{\*path\}$/, why: 'Nest middleware (MiddlewareConsumer), no endpoint' },
  { method: '*', path: /^\/scim\/v2\/(?:Bulk|Me)$/, why: 'other methods on /Bulk and /Me: 501' },
];

/** Answers the walk accepts where a route refuses a stranger's id or credentials. */
const NOT_YOURS = [401, 403];

const fixture = (name: string) =>
  readFileSync(join(__dirname, '..', 'fixtures', 'saml', name), 'utf8');

/** Request bodies whose document example is not a valid request, by DTO name. */
const BODY_OVERRIDES: Record<string, () => unknown> = {
  // The example certificate is abbreviated, and the metadata XML is an alternative to the fields.
  ConfigureSamlDto: () => ({
    idpEntityId: 'https://idp.test/metadata',
    idpSsoUrl: 'https://idp.test/sso',
    idpCertificate: fixture('idp.crt'),
  }),
  // Either a role change or a pool move (the move is in ID_BODIES).
  UserUpdateDto: () => ({ role: 'group_admin' }),
  // The example's host does not resolve here (no DNS); the test config allows loopback URLs.
  WebhookEndpointCreateDto: () => ({ url: 'http://127.0.0.1:9/hooks', types: ['user.created'] }),
  WebhookEndpointUpdateDto: () => ({ url: 'http://127.0.0.1:9/hooks2', enabled: true }),
};

/**
 * More bodies that carry ids, by DTO name, for operations whose example carries none: the walk also
 * sends them with A's ids (expecting a refusal) and with B's (expecting success).
 */
const ID_BODIES: Record<string, unknown> = {
  UserUpdateDto: { licensePoolId: '00000000-0000-4000-8000-000000000000' },
};

const marker = (name: string) => `${name}${randomBytes(4).toString('hex')}`;
const ALPHA = marker('alpha');
const BRAVO = marker('bravo');

interface Tenant {
  id: string;
  slug: string;
  adminAuth: string;
  scimAuth: string;
}

/** How many of A's resources of each kind the walk tries on every route. */
const IDS_PER_KIND = 4;

describe('tenant isolation: every route, another tenant’s ids', () => {
  let app: TestApp;
  let document: OpenApiDocument;
  let operations: Operation[];
  let a: Tenant;
  let b: Tenant;
  let cScimBasic: string;
  let aIds: Record<ResourceKind, string[]>;
  let aMembers: { groupId: string; userId: string }[];
  let bIds: Record<ResourceKind, string[]>;
  let aSnapshot: TenantSnapshot;
  let businessSnapshot: TenantSnapshot;
  let aBaseline: string;
  /** Every id in A's rows, A's marker and A's secrets: none may reach B. */
  let aSecrets: string[];
  let exercised: Set<string>;
  /** A's ids that B has sent in a request: B's own logs may echo them back. */
  let knownToB: Set<string>;
  let fresh = 0;

  const http = (request: HttpCall) => call(app, request);

  async function createTenant(name: string, authMethod: 'bearer' | 'basic'): Promise<Tenant> {
    const slug = `${name}-org`;
    const created = await http({
      method: 'post',
      url: '/api/v1/organizations',
      authorization: operatorAuth(),
      body: { name: `${name} Corp`, slug, plan: 'enterprise', totalLicenses: 20 },
    });
    expect(created.status).toBe(201);
    const org = created.json as { id: string; adminApiKey: string };
    const adminAuth = `Bearer ${org.adminApiKey}`;
    const scim = await http({
      method: 'post',
      url: '/api/v1/scim/integration',
      authorization: adminAuth,
      body: { idp: 'okta', authMethod },
    });
    expect(scim.status).toBe(201);
    const credentials = scim.json as { token?: string; username?: string; password?: string };
    const scimAuth =
      authMethod === 'bearer'
        ? `Bearer ${credentials.token}`
        : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    return { id: org.id, slug, adminAuth, scimAuth };
  }

  /** Resources of every kind, a few of each, named after the tenant's marker. */
  async function populate(tenant: Tenant, name: string): Promise<void> {
    const ok = async (request: HttpCall, what: string): Promise<HttpResult> => {
      const result = await http(request);
      if (result.status >= 300) {
        throw new Error(`seeding ${name}: ${what} answered ${result.status} ${result.text}`);
      }
      return result;
    };
    const admin = (method: HttpCall['method'], url: string, body?: unknown) =>
      ok({ method, url, authorization: tenant.adminAuth, body }, `${method} ${url}`);
    const scim = (method: HttpCall['method'], url: string, body?: unknown) =>
      ok(
        { method, url, authorization: tenant.scimAuth, body, contentType: 'application/scim+json' },
        `${method} ${url}`,
      );
    // "Sales" as in the document's examples, so that they are valid requests for both tenants.
    await admin('post', '/api/v1/license-pools', { name: 'Sales', capacity: 3 });
    await admin('post', '/api/v1/license-pools', { name: `${name} Support`, capacity: 1 });
    await admin('post', '/api/v1/admin-api-keys', { name: `${name} terraform` });
    const users: string[] = [];
    for (const n of ['one', 'two', 'three', 'four']) {
      const created = await scim('post', '/scim/v2/Users', {
        userName: `${name}.${n}@example.com`,
        name: { givenName: name, familyName: n },
        emails: [{ value: `${name}.${n}@example.com`, type: 'work', primary: true }],
        ...(n === 'one' ? { licensePoolName: 'Sales' } : {}),
      });
      users.push((created.json as { id: string }).id);
    }
    const [one, two, three, four] = users;
    await scim('patch', `/scim/v2/Users/${three}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    await scim('delete', `/scim/v2/Users/${four}`);
    await scim('post', '/scim/v2/Groups', {
      displayName: `${name} Engineering`,
      members: [{ value: one }, { value: two }],
    });
    const cohort = await admin('post', '/api/v1/groups', { displayName: `${name} Cohort` });
    await admin('post', `/api/v1/groups/${(cohort.json as { id: string }).id}/members`, {
      userIds: [one],
    });
    // A webhook endpoint (the test config allows a loopback URL; nothing delivers in this suite).
    await admin('post', '/api/v1/webhooks', { url: `http://127.0.0.1:9/${name}` });
    if (operations.some((o) => o.name === 'PUT /api/v1/sso/saml')) {
      await admin('put', '/api/v1/sso/saml', BODY_OVERRIDES.ConfigureSamlDto?.());
    }
    // The public routes of its slug (SAML): pending requests, refused sign-ins in its log.
    for (const operation of operations.filter((o) => o.path.includes('{orgSlug}'))) {
      await http({
        method: operation.method,
        url: operation.path.replace('{orgSlug}', tenant.slug),
        ...(operation.body
          ? {
              body: exampleOf(document, operation.body.schema),
              contentType: operation.body.contentType,
            }
          : {}),
      });
    }
  }

  beforeAll(async () => {
    app = await startTestApp();
    document = await fetchOpenApi(app);
    operations = operationsOf(document);
    a = await createTenant(ALPHA, 'bearer');
    b = await createTenant(BRAVO, 'bearer');
    cScimBasic = (await createTenant(marker('charlie'), 'basic')).scimAuth;
    await populate(a, ALPHA);
    await populate(b, BRAVO);
    aIds = await idsOf(app, a.id);
    bIds = await idsOf(app, b.id);
    aMembers = (
      await app.dataSource.query(
        'SELECT group_id, user_id FROM group_members WHERE organization_id = $1 ORDER BY 1, 2',
        [a.id],
      )
    ).map((r: { group_id: string; user_id: string }) => ({
      groupId: r.group_id,
      userId: r.user_id,
    }));
    aSnapshot = await TenantSnapshot.prepare(app.dataSource);
    businessSnapshot = await TenantSnapshot.prepare(app.dataSource, REJECTION_SNAPSHOT);
    aBaseline = await aSnapshot.take(a.id);
    const uuids = aBaseline.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g);
    aSecrets = [
      ...new Set([
        ...(uuids ?? []),
        ALPHA,
        a.adminAuth.replace('Bearer ', ''),
        a.scimAuth.replace('Bearer ', ''),
      ]),
    ].map((s) => s.toLowerCase());
    exercised = new Set();
    knownToB = new Set();
  });

  afterAll(() => app?.close());

  /** Where the walk found something wrong; each test lists all of its findings at once. */
  let findings: string[] = [];
  beforeEach(() => {
    findings = [];
  });

  const describeCall = (request: HttpCall) =>
    `${request.method.toUpperCase()} ${request.url}${
      request.body === undefined ? '' : ` ${JSON.stringify(request.body).slice(0, 300)}`
    }`;

  /**
   * Sends one request of B's (or a stranger's) and checks what must always hold: no 5xx, nothing of
   * A's in the answer that B has not named itself (in this request or an earlier one, which B's own
   * provisioning log may echo), and A's rows unchanged.
   */
  async function probe(
    operation: Operation,
    request: HttpCall,
    expected: (status: number) => boolean,
    expectation: string,
  ): Promise<HttpResult> {
    exercised.add(operation.name);
    const result = await http(request);
    const what = `${describeCall(request)} (as ${credentialName(request.authorization)})`;
    if (result.status >= 500 && result.status !== 501) {
      findings.push(`${what}: ${result.status} ${result.text.slice(0, 300)}`);
    } else if (!expected(result.status)) {
      findings.push(
        `${what}: expected ${expectation}, got ${result.status} ${result.text.slice(0, 300)}`,
      );
    }
    const sent = describeCall(request).toLowerCase() + (request.authorization ?? '').toLowerCase();
    for (const secret of aSecrets) if (sent.includes(secret)) knownToB.add(secret);
    const shown = `${result.text}\n${String(result.headers.location ?? '')}`.toLowerCase();
    const leaked = PUBLIC_ROUTES[operation.name]?.operatorData
      ? []
      : aSecrets.filter((secret) => shown.includes(secret) && !knownToB.has(secret));
    if (leaked.length > 0) {
      findings.push(
        `${what}: the answer shows tenant A's ${leaked.join(', ')}: ${result.text.slice(0, 500)}`,
      );
    }
    const after = await aSnapshot.take(a.id);
    const difference = snapshotDifference(aBaseline, after);
    if (difference) {
      findings.push(`${what} changed tenant A's data: ${difference}`);
      aBaseline = after;
    }
    return result;
  }

  function credentialName(authorization: string | undefined): string {
    if (!authorization) return 'nobody';
    if (authorization === b.adminAuth) return "B's admin key";
    if (authorization === b.scimAuth) return "B's SCIM token";
    if (authorization === cScimBasic) return "C's SCIM Basic credentials";
    if (authorization === operatorAuth()) return 'the operator';
    return 'someone';
  }

  /** Which of the walk's credentials a route expects, or a finding when its scheme is unknown. */
  function audience(operation: Operation): string {
    // The admin portal's cookie opens the routes the admin key does (test/portal covers it); a
    // route with the cookie alone is the portal's own session, which PUBLIC_ROUTES names.
    const security = operation.security.filter((scheme) => scheme !== 'portalSession');
    if (security.length === 0) return 'public';
    const kinds = new Set<string>(security.map((scheme) => SCHEMES[scheme] ?? '?'));
    if (kinds.has('?') || kinds.size !== 1) {
      return (
        `${operation.name}: security ${operation.security.join(', ')} is unknown to the walk. Add ` +
        'the scheme to SCHEMES in test/security/tenant-isolation.e2e-spec.ts with the credentials ' +
        'that fit it.'
      );
    }
    return [...kinds][0] ?? 'public';
  }

  function credentialsFor(kind: 'admin' | 'scim' | 'operator'): string[] {
    switch (kind) {
      case 'admin':
        return [b.adminAuth];
      case 'scim':
        return [b.scimAuth, cScimBasic];
      case 'operator':
        return [operatorAuth()];
    }
  }

  const isTenantKind = (
    meaning: PathParameterMeaning,
  ): meaning is { kind: ResourceKind; memberOf?: ResourceKind } => 'kind' in meaning;

  /**
   * The request bodies the walk sends to an operation (its example, or its override, and any of
   * ID_BODIES), each as a function of where ids come from; `[undefined]` for an operation without a
   * body.
   */
  function bodiesOf(operation: Operation): ((pick: (kind: ResourceKind) => string) => unknown)[] {
    const schema = operation.body?.schema;
    if (!schema) return [() => undefined];
    const name = schemaName(schema);
    const override = name ? BODY_OVERRIDES[name] : undefined;
    const withIds = name ? ID_BODIES[name] : undefined;
    const examples = [
      override ? override() : exampleOf(document, schema),
      ...(withIds === undefined ? [] : [withIds]),
    ];
    return examples.map((example) => (pick) => replaceBodyIds(operation, example, pick));
  }

  /** Whether a body changes with the tenant its ids come from. */
  const carriesIds = (body: (pick: (kind: ResourceKind) => string) => unknown) =>
    JSON.stringify(body(pickA)) !== JSON.stringify(body(pickB));

  function request(
    operation: Operation,
    values: Record<string, string>,
    authorization: string | undefined,
    bodyFor: (pick: (kind: ResourceKind) => string) => unknown,
    pick: (kind: ResourceKind) => string,
    query = '',
  ): HttpCall {
    const path = operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
      encodeURIComponent(values[name] ?? ''),
    );
    const body = bodyFor(pick);
    return {
      method: operation.method,
      url: `${path}${query}`,
      authorization,
      ...(body === undefined
        ? {}
        : {
            body,
            contentType:
              operation.body?.contentType === 'application/json'
                ? operation.path.startsWith('/scim/')
                  ? 'application/scim+json'
                  : 'application/json'
                : operation.body?.contentType,
          }),
    };
  }

  /**
   * Values for the path parameters of a route: A's ids for its tenant parameters, a few of each
   * (the group's own members for `memberOf`), and for two tenant parameters also one of B's with one
   * of A's (`mixed`: B's own resource may refuse first, with any 4xx, but A's must not be reached).
   */
  function aCombinations(
    meanings: { name: string; meaning: PathParameterMeaning }[],
  ): { values: Record<string, string>; mixed: boolean }[] {
    const fixed = Object.fromEntries(
      meanings.flatMap(({ name, meaning }) =>
        'fixed' in meaning
          ? [[name, meaning.fixed]]
          : 'publicSlug' in meaning
            ? [[name, a.slug]]
            : [],
      ),
    );
    const tenantParameters = meanings.flatMap(({ name, meaning }) =>
      isTenantKind(meaning) ? [{ name, ...meaning }] : [],
    );
    const [first, second, third] = tenantParameters;
    if (!first) return [];
    if (third) throw new Error('routes with three tenant parameters are not walked yet');
    const single = (id: string) => ({ values: { ...fixed, [first.name]: id }, mixed: false });
    if (!second) return aIds[first.kind].slice(0, IDS_PER_KIND).map(single);
    const pairs =
      second.memberOf === first.kind && first.kind === 'group'
        ? aMembers.map((m) => [m.groupId, m.userId] as const)
        : aIds[first.kind].map((id, i) => [id, aIds[second.kind][i] ?? ''] as const);
    const both = (x: string, y: string, mixed: boolean) => ({
      values: { ...fixed, [first.name]: x, [second.name]: y },
      mixed,
    });
    return [
      ...pairs.slice(0, IDS_PER_KIND).map(([x, y]) => both(x, y, false)),
      both(bIds[first.kind][0] ?? '', pairs[0]?.[1] ?? '', true),
      both(pairs[0]?.[0] ?? '', bIds[second.kind][0] ?? '', true),
    ];
  }

  const pickA = (kind: ResourceKind) => aIds[kind][0] ?? '';
  const pickB = (kind: ResourceKind) => bIds[kind][0] ?? '';

  /** A fresh resource of B's, for calls that may consume it (delete, anonymize). */
  async function freshOfB(
    kind: ResourceKind,
    viaScim: boolean,
  ): Promise<{ id: string; member?: string }> {
    fresh += 1;
    const name = `${BRAVO} fresh ${fresh}`;
    const ok = async (request: HttpCall) => {
      const result = await http(request);
      if (result.status >= 300)
        throw new Error(`creating ${kind} of B: ${result.status} ${result.text}`);
      return (result.json as { id: string }).id;
    };
    const scim = (url: string, body: unknown) =>
      ok({
        method: 'post',
        url,
        authorization: b.scimAuth,
        body,
        contentType: 'application/scim+json',
      });
    const admin = (url: string, body: unknown) =>
      ok({ method: 'post', url, authorization: b.adminAuth, body });
    switch (kind) {
      case 'organization':
        return { id: b.id };
      case 'adminApiKey':
        return { id: await admin('/api/v1/admin-api-keys', { name }) };
      case 'licensePool':
        return { id: await admin('/api/v1/license-pools', { name, capacity: 0 }) };
      case 'webhookEndpoint':
        return { id: await admin('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks' }) };
      case 'user':
        return {
          id: await scim('/scim/v2/Users', { userName: `${BRAVO}.fresh${fresh}@example.com` }),
        };
      case 'group': {
        const member = await scim('/scim/v2/Users', {
          userName: `${BRAVO}.member${fresh}@example.com`,
        });
        if (viaScim) {
          return {
            id: await scim('/scim/v2/Groups', { displayName: name, members: [{ value: member }] }),
            member,
          };
        }
        const id = await admin('/api/v1/groups', { displayName: name });
        await ok({
          method: 'post',
          url: `/api/v1/groups/${id}/members`,
          authorization: b.adminAuth,
          body: { userIds: [member] },
        });
        return { id, member };
      }
    }
  }

  /** B's rows (logs aside) must never point at A's resources. */
  async function expectNoAIdsInB(): Promise<void> {
    const rows = (await businessSnapshot.take(b.id)).toLowerCase();
    const found = aSecrets.filter((secret) => rows.includes(secret));
    expect({ aIdsInBsRows: found }).toEqual({ aIdsInBsRows: [] });
  }

  it('knows how to exercise every route the app serves', () => {
    const problems: string[] = [];
    for (const operation of operations) {
      const who = audience(operation);
      if (!['admin', 'scim', 'operator', 'public'].includes(who)) problems.push(who);
      const meanings = pathParameterMeanings(operation);
      if (typeof meanings === 'string') problems.push(meanings);
      else if (
        who === 'public' &&
        !meanings.some((m) => 'publicSlug' in m.meaning) &&
        !PUBLIC_ROUTES[operation.name]
      ) {
        problems.push(
          `${operation.name} needs no credentials. If it is public by design, add it to ` +
            'PUBLIC_ROUTES in test/security/tenant-isolation.e2e-spec.ts with the reason; otherwise ' +
            'it is missing its guard.',
        );
      }
      for (const parameter of operation.queryParameters) {
        if (parameter.schema?.format === 'uuid' && !QUERY_ID_PARAMETERS[parameter.name]) {
          problems.push(
            `${operation.name}: the query parameter "${parameter.name}" takes an id the walk does ` +
              'not know. Add it to QUERY_ID_PARAMETERS in test/support/route-parameters.ts.',
          );
        }
      }
      try {
        for (const body of bodiesOf(operation)) body(pickA);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    const documented = new Set(operations.map((o) => `${o.method} ${expressPath(o.path)}`));
    const routes = registeredRoutes(app);
    const methodsPerPath = new Map<string, number>();
    for (const route of routes) {
      methodsPerPath.set(route.path, (methodsPerPath.get(route.path) ?? 0) + 1);
    }
    for (const route of routes) {
      if (documented.has(`${route.method} ${route.path}`)) continue;
      const everyMethod = (methodsPerPath.get(route.path) ?? 0) > 20;
      const known = UNDOCUMENTED_ROUTES.some(
        (u) =>
          u.path.test(route.path) && (u.method === '*' ? everyMethod : u.method === route.method),
      );
      if (!known) {
        problems.push(
          `${route.method.toUpperCase()} ${route.path} is served but not in the OpenAPI document. ` +
            'Document it (the walk then covers it), or add it to UNDOCUMENTED_ROUTES in ' +
            'test/security/tenant-isolation.e2e-spec.ts and make the walk exercise it.',
        );
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it("shows B nothing of A in its own lists and reads, before B has named anything of A's", async () => {
    for (const operation of tenantOperations()) {
      const { who, meanings } = operation;
      if (operation.method !== 'get' || who === 'operator') continue;
      const values = Object.fromEntries(
        meanings.map(({ name, meaning }) => [
          name,
          isTenantKind(meaning) ? pickB(meaning.kind) : 'fixed' in meaning ? meaning.fixed : b.slug,
        ]),
      );
      await probe(
        operation,
        request(operation, values, credentialsFor(who)[0], () => undefined, pickB),
        (s) => s === 200,
        '200',
      );
    }
    expect(findings).toEqual([]);
    expect([...knownToB]).toEqual([]);
  });

  it("answers 404 to B for A's ids on every route, and A's data stays as it was", async () => {
    for (const operation of tenantOperations()) {
      const { who, meanings } = operation;
      for (const { values, mixed } of aCombinations(meanings)) {
        for (const body of bodiesOf(operation)) {
          if (who === 'operator') {
            // Not a tenant's route: B's credentials of either kind are refused outright.
            for (const authorization of [b.adminAuth, b.scimAuth]) {
              await probe(
                operation,
                request(operation, values, authorization, body, pickA),
                (s) => NOT_YOURS.includes(s),
                '401 or 403',
              );
            }
            continue;
          }
          for (const authorization of credentialsFor(who)) {
            await probe(
              operation,
              request(operation, values, authorization, body, pickA),
              mixed ? (s) => s >= 400 && s < 500 && !NOT_YOURS.includes(s) : (s) => s === 404,
              mixed ? 'a 4xx refusal' : '404',
            );
          }
        }
      }
    }
    expect(findings).toEqual([]);
    await expectNoAIdsInB();
  });

  it('serves the same requests for B’s own ids (so the 404s above are the tenant scope)', async () => {
    for (const operation of tenantOperations()) {
      const { who, meanings } = operation;
      if (!meanings.some((m) => isTenantKind(m.meaning))) continue;
      for (const body of bodiesOf(operation)) {
        const values = await freshValuesOfB(meanings, who === 'scim');
        const authorization = who === 'operator' ? operatorAuth() : credentialsFor(who)[0];
        await probe(
          operation,
          request(operation, values, authorization, body, pickB),
          (s) => s < 400 || s === 409,
          'success (or a 409 business refusal); fix the example in the document or add the body to BODY_OVERRIDES',
        );
      }
    }
    expect(findings).toEqual([]);
  });

  it("refuses A's ids in B's request bodies and leaves B's resources alone", async () => {
    for (const operation of tenantOperations()) {
      const { who, meanings } = operation;
      if (who === 'operator') continue;
      for (const body of bodiesOf(operation).filter(carriesIds)) {
        const values = await freshValuesOfB(meanings, who === 'scim');
        for (const authorization of credentialsFor(who)) {
          await probe(
            operation,
            request(operation, values, authorization, body, pickA),
            (s) => s >= 400 && s < 500 && !NOT_YOURS.includes(s),
            'a 4xx refusal',
          );
        }
      }
    }
    expect(findings).toEqual([]);
    await expectNoAIdsInB();
  });

  it('answers 401 or 403 to credentials that do not fit the route', async () => {
    for (const operation of tenantOperations()) {
      const { who, meanings } = operation;
      const values = Object.fromEntries(
        meanings.map(({ name, meaning }) => [
          name,
          isTenantKind(meaning) ? pickA(meaning.kind) : 'fixed' in meaning ? meaning.fixed : a.slug,
        ]),
      );
      const fitting = credentialsFor(who);
      const strangers = [
        undefined,
        'Bearer nonsense',
        'Basic bm9ib2R5Om5vdGhpbmc=',
        b.adminAuth,
        b.scimAuth,
        operatorAuth(),
      ].filter((credential) => credential === undefined || !fitting.includes(credential));
      for (const authorization of strangers) {
        await probe(
          operation,
          request(
            operation,
            values,
            authorization,
            bodiesOf(operation)[0] ?? (() => undefined),
            pickA,
          ),
          (s) => NOT_YOURS.includes(s),
          '401 or 403',
        );
      }
    }
    expect(findings).toEqual([]);
  });

  it('shows nothing of A on the public routes, whoever asks', async () => {
    for (const operation of operations.filter((o) => audience(o) === 'public')) {
      const meanings = pathParameterMeanings(operation);
      if (typeof meanings === 'string') continue;
      const values = Object.fromEntries(
        meanings.map(({ name, meaning }) => [
          name,
          'fixed' in meaning ? meaning.fixed : 'publicSlug' in meaning ? b.slug : pickA('user'),
        ]),
      );
      for (const authorization of [undefined, b.adminAuth, b.scimAuth]) {
        for (const body of bodiesOf(operation)) {
          await probe(
            operation,
            request(operation, values, authorization, body, pickB),
            () => true,
            'any answer',
          );
        }
      }
    }
    // Other methods on /Bulk and /Me (left out of the document) answer 501 to everyone.
    for (const path of ['/scim/v2/Bulk', '/scim/v2/Me']) {
      const operation = operations.find((o) => o.path === path);
      if (!operation) continue;
      for (const method of ['put', 'patch', 'delete'] as const) {
        await probe(
          operation,
          { method, url: path, authorization: b.scimAuth },
          (s) => s === 501,
          '501',
        );
      }
    }
    expect(findings).toEqual([]);
  });

  it("never shows A's resources in B's own lists, reads and writes, whatever B asks for", async () => {
    const own = tenantOperations().filter(
      (o) => (o.who === 'admin' || o.who === 'scim') && o.meanings.length === 0,
    );
    // Reads first, SCIM before the admin API; writes after, deletions last (B may turn SCIM off).
    const rank = { get: 0, post: 1, put: 1, patch: 1, delete: 2 };
    const order = (o: Operation) => rank[o.method] * 2 + (o.path.startsWith('/scim/') ? 0 : 1);
    own.sort((x, y) => order(x) - order(y));
    for (const operation of own) {
      const who = operation.who as 'admin' | 'scim';
      const authorization = credentialsFor(who)[0];
      for (const { query, empty } of await probesOf(operation)) {
        for (const body of bodiesOf(operation)) {
          const result = await probe(
            operation,
            request(operation, {}, authorization, body, pickB, query),
            (s) => !NOT_YOURS.includes(s) && (!empty || s === 200 || (s >= 400 && s < 500)),
            'an answer to B',
          );
          const list = result.json as { data?: unknown[]; Resources?: unknown[] } | undefined;
          if (
            empty &&
            result.status === 200 &&
            ((list?.data?.length ?? 0) > 0 || (list?.Resources?.length ?? 0) > 0)
          ) {
            findings.push(
              `${operation.name}${query}: B's list answers ${JSON.stringify(list).slice(0, 300)}`,
            );
          }
        }
      }
      if (
        operation.method === 'post' &&
        /^\/scim\/v2\/(Users|Groups)\/\.search$/.test(operation.path)
      ) {
        for (const filter of scimFilterProbes()) {
          const result = await probe(
            operation,
            {
              method: 'post',
              url: operation.path,
              authorization,
              body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter },
              contentType: 'application/scim+json',
            },
            (s) => s === 200 || s === 400,
            '200 or 400',
          );
          const list = result.json as { Resources?: unknown[] } | undefined;
          if ((list?.Resources?.length ?? 0) > 0) {
            findings.push(
              `${operation.name} ${filter}: B's search answers ${JSON.stringify(list).slice(0, 300)}`,
            );
          }
        }
      }
    }
    expect(findings).toEqual([]);
    await expectNoAIdsInB();
  });

  it('walked every operation of the document', () => {
    const missed = operations
      .filter((o) => Array.isArray(pathParameterMeanings(o)))
      .map((o) => o.name)
      .filter((name) => !exercised.has(name));
    expect(missed).toEqual([]);
  });

  /** The operations that need credentials, with their audience and path parameters. */
  function tenantOperations(): (Operation & {
    who: 'admin' | 'scim' | 'operator';
    meanings: { name: string; meaning: PathParameterMeaning }[];
  })[] {
    return operations.flatMap((operation) => {
      const who = audience(operation);
      const meanings = pathParameterMeanings(operation);
      if (
        typeof meanings === 'string' ||
        (who !== 'admin' && who !== 'scim' && who !== 'operator')
      ) {
        return [];
      }
      return [{ ...operation, who, meanings }];
    });
  }

  /** Fresh resources of B's for the tenant parameters of a route (a member for `memberOf`). */
  async function freshValuesOfB(
    meanings: { name: string; meaning: PathParameterMeaning }[],
    viaScim: boolean,
  ): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    let parent: { id: string; member?: string } | undefined;
    for (const { name, meaning } of meanings) {
      if (!isTenantKind(meaning)) {
        values[name] = 'fixed' in meaning ? meaning.fixed : b.slug;
        continue;
      }
      if (meaning.memberOf && parent?.member) {
        values[name] = parent.member;
        continue;
      }
      parent = await freshOfB(meaning.kind, viaScim);
      values[name] = parent.id;
    }
    return values;
  }

  /** SCIM filters that could only match A's resources. */
  function scimFilterProbes(): string[] {
    return [
      ...aIds.user.slice(0, IDS_PER_KIND).map((id) => `id eq "${id}"`),
      ...aIds.group.slice(0, IDS_PER_KIND).map((id) => `id eq "${id}"`),
      ...aIds.user.slice(0, IDS_PER_KIND).map((id) => `members.value eq "${id}"`),
      `userName co "${ALPHA}"`,
      `displayName co "${ALPHA}"`,
      `emails.value co "${ALPHA}"`,
    ];
  }

  /**
   * The query strings B sends to one of its own routes: none; each id parameter with A's ids
   * (an empty list, or a 4xx); the cursor of A's list of the same route (B's own rows at most);
   * SCIM filters naming A's resources (an empty list, or a 400 for a filter the resource type cannot
   * apply).
   */
  async function probesOf(operation: Operation): Promise<{ query: string; empty: boolean }[]> {
    const probes = [{ query: '', empty: false }];
    if (operation.method !== 'get') return probes;
    for (const parameter of operation.queryParameters) {
      const idParameter = QUERY_ID_PARAMETERS[parameter.name];
      if (idParameter) {
        probes.push(
          ...aIds[idParameter.kind].slice(0, IDS_PER_KIND).map((id) => ({
            query: `?${parameter.name}=${id}`,
            empty: !idParameter.filtersOwnRequests,
          })),
        );
      }
      if (parameter.name === 'cursor') {
        // A cursor of A's own (SCIM pages by `count`, RFC 9865; the admin API by `limit`).
        const scim = operation.path.startsWith('/scim/');
        const fromA = await http({
          method: 'get',
          url: `${operation.path}?${scim ? 'cursor&count=1' : 'limit=1'}`,
          authorization: scim ? a.scimAuth : a.adminAuth,
        });
        const cursor = (fromA.json as { nextCursor?: string } | undefined)?.nextCursor;
        if (cursor) probes.push({ query: `?cursor=${encodeURIComponent(cursor)}`, empty: false });
        // A's own request is in A's provisioning log: the baseline from now on.
        await app.app.get(ProvisioningLogService).flush();
        aBaseline = await aSnapshot.take(a.id);
      }
    }
    if (/^\/scim\/v2\/(Users|Groups)$/.test(operation.path)) {
      probes.push(
        ...scimFilterProbes().map((filter) => ({
          query: `?filter=${encodeURIComponent(filter)}`,
          empty: true,
        })),
      );
    }
    return probes;
  }
});
