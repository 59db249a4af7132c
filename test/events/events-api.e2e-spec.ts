import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES } from '../../libs/identity/src/events/event.model';
import { aScimTenant, type ScimTenant } from '../support/factories';
import { scimClient } from '../support/scim-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { allEvents, readEvents, scimUser, settled } from './support';

describe('the event log and GET /api/v1/events', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const admin = (tenant: ScimTenant) => ({
    get: (path: string) => app.http().get(`/api/v1${path}`).set('Authorization', tenant.auth),
  });

  it('lists the event types, each with its subject and when it happens, as docs/events.md does', async () => {
    const tenant = await aScimTenant(app);
    const { data } = (await admin(tenant).get('/events/types').expect(200)).body as {
      data: { type: string; subject: string; description: string }[];
    };
    expect(data.map((t) => t.type)).toEqual([...EVENT_TYPES]);
    for (const info of data) {
      expect([info.type, info.type.startsWith(`${info.subject}.`)]).toEqual([info.type, true]);
      expect(info.description.length).toBeGreaterThan(10);
    }
    const catalogue = readFileSync(join(__dirname, '../../docs/events.md'), 'utf8');
    expect(EVENT_TYPES.filter((type) => !catalogue.includes(`| \`${type}\``))).toEqual([]);
    // Admins only, like the stream.
    await app.http().get('/api/v1/events/types').expect(401);
  });

  it('writes a SCIM create, update and deprovision as events whose data is the admin representation', async () => {
    const tenant = await aScimTenant(app);
    const scim = scimClient(app, tenant);
    const id = await scimUser(app, tenant, 'bjensen@example.com');
    const afterCreate = (await admin(tenant).get(`/users/${id}`).expect(200)).body as Record<
      string,
      unknown
    >;
    await scim
      .patch(`/Users/${id}`, [{ op: 'replace', path: 'displayName', value: 'Babs' }])
      .expect(200);
    await scim.delete(`/Users/${id}`).expect(204);
    const afterDelete = (await admin(tenant).get(`/users/${id}`).expect(200)).body as Record<
      string,
      unknown
    >;

    const { events } = await allEvents(app, tenant);
    const mine = events.filter((e) => e.subject.id === id);
    expect(mine.map((e) => [e.type, e.details])).toEqual([
      ['user.created', {}],
      ['user.updated', { changed: ['displayName'] }],
      ['user.deactivated', {}],
    ]);
    expect(mine[0]?.data).toEqual(afterCreate);
    expect(mine[2]?.data).toEqual(afterDelete);
    for (const event of mine) {
      expect(event).toMatchObject({
        organizationId: tenant.id,
        subject: { type: 'user', id },
        actor: { type: 'scim', integrationId: expect.any(String) },
      });
      expect(new Date(event.occurredAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    }
    // Another organization sees none of them.
    const other = await aScimTenant(app);
    const theirs = await allEvents(app, other);
    expect(theirs.events.filter((e) => e.subject.id === id)).toEqual([]);
  });

  it('writes group events from both SCIM paths (one statement and a transaction) with the group as the admin API shows it', async () => {
    const tenant = await aScimTenant(app);
    const scim = scimClient(app, tenant);
    const [a, b, c] = [
      await scimUser(app, tenant, 'a@example.com'),
      await scimUser(app, tenant, 'b@example.com'),
      await scimUser(app, tenant, 'c@example.com'),
    ];
    const { cursor } = await allEvents(app, tenant);
    const created = await scim
      .post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
        members: [{ value: a }],
      })
      .expect(201);
    const groupId = (created.body as { id: string }).id;
    // One member added: the one-statement path.
    await scim
      .patch(`/Groups/${groupId}`, [{ op: 'add', path: 'members', value: [{ value: b }] }])
      .expect(204);
    // A rename and a member at once: the transaction.
    await scim
      .patch(`/Groups/${groupId}`, [
        { op: 'replace', path: 'displayName', value: 'Sales EMEA' },
        { op: 'add', path: 'members', value: [{ value: c }] },
        { op: 'remove', path: `members[value eq "${a}"]` },
      ])
      .expect(204);
    const shown = (await admin(tenant).get(`/groups/${groupId}`).expect(200)).body as Record<
      string,
      unknown
    >;
    await scim.delete(`/Groups/${groupId}`).expect(204);

    const { events } = await allEvents(app, tenant, cursor);
    expect(events.map((e) => [e.type, e.details])).toEqual([
      ['group.created', {}],
      ['group.members_added', { userIds: [a] }],
      ['group.members_added', { userIds: [b] }],
      ['group.updated', { changed: ['displayName'] }],
      ['group.members_removed', { userIds: [a] }],
      ['group.members_added', { userIds: [c] }],
      ['group.deleted', {}],
    ]);
    // The admin representation, but for readOnly and memberCount (see docs/events.md).
    const {
      members: _members,
      readOnly: _readOnly,
      memberCount: _memberCount,
      ...representation
    } = shown;
    expect(events[5]?.data).toEqual(representation);
    expect(events[6]?.data).toMatchObject({ id: groupId, displayName: 'Sales EMEA' });
    expect(events[1]?.data).toMatchObject({ displayName: 'Sales' });
  });

  it('pages with nextCursor, filters by type, starts at now, and refuses a cursor it did not give out', async () => {
    const tenant = await aScimTenant(app);
    await settled(app, tenant);
    const now = (await readEvents(app, tenant, { after: 'now' })).nextCursor;
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await scimUser(app, tenant, `user${i}@example.com`));
    await settled(app, tenant);
    const first = await readEvents(app, tenant, { after: now, limit: 2 });
    const second = await readEvents(app, tenant, { after: first.nextCursor, limit: 2 });
    const third = await readEvents(app, tenant, { after: second.nextCursor, limit: 2 });
    expect([...first.data, ...second.data, ...third.data].map((e) => e.subject.id)).toEqual(ids);
    const empty = await readEvents(app, tenant, { after: third.nextCursor });
    expect(empty.data).toEqual([]);
    // An event's own cursor reads on from just after it.
    const fromSecond = await readEvents(app, tenant, { after: first.data[1].cursor, limit: 1 });
    expect(fromSecond.data.map((e) => e.subject.id)).toEqual([ids[2]]);

    const deactivated = await readEvents(app, tenant, { after: now, types: 'user.deactivated' });
    expect(deactivated.data).toEqual([]);
    await scimClient(app, tenant).delete(`/Users/${ids[3]}`).expect(204);
    await settled(app, tenant);
    const onlyThat = await readEvents(app, tenant, {
      after: deactivated.nextCursor,
      types: 'user.deactivated,user.reactivated',
    });
    expect(onlyThat.data.map((e) => [e.type, e.subject.id])).toEqual([
      ['user.deactivated', ids[3]],
    ]);

    for (const [query, code] of [
      [{ after: 'djEuMTIz' }, 'invalid_cursor'],
      [{ after: 'not a cursor!' }, 'validation_failed'],
      [{ types: 'user.exploded' }, 'validation_failed'],
      [{ limit: 501 }, 'validation_failed'],
      [{ wait: '31s' }, 'validation_failed'],
    ] as const) {
      const response = await app
        .http()
        .get('/api/v1/events')
        .query(query)
        .set('Authorization', tenant.auth);
      expect([
        JSON.stringify(query),
        response.status,
        (response.body as { code?: string }).code,
      ]).toEqual([JSON.stringify(query), 400, code]);
    }
    await app.http().get('/api/v1/events').expect(401);
  });

  it('long-polls: an empty read with wait answers as soon as an event commits', async () => {
    const tenant = await aScimTenant(app);
    await settled(app, tenant);
    const now = (await readEvents(app, tenant, { after: 'now' })).nextCursor;
    const started = Date.now();
    const waiting = readEvents(app, tenant, { after: now, wait: '20s' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const id = await scimUser(app, tenant, 'late@example.com');
    const page = await waiting;
    expect(page.data.map((e) => [e.type, e.subject.id])).toEqual([['user.created', id]]);
    expect(Date.now() - started).toBeLessThan(10_000);
    // With nothing to come, it answers empty when the wait is over.
    const idle = Date.now();
    const none = await readEvents(app, tenant, { after: page.nextCursor, wait: '1s' });
    expect(none.data).toEqual([]);
    expect(Date.now() - idle).toBeGreaterThanOrEqual(900);
  });
});
