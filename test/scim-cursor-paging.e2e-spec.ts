/**
 * Cursor paging of /Users and /Groups (RFC 9865): advertised, opaque and tamper-proof, bound to
 * its organization and query, stable while people are provisioned and deprovisioned mid-walk,
 * with filters and sortBy (absent values included), forwards and back.
 */
import { aScimTenant, type ScimTenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

type Json = Record<string, unknown>;
interface Page {
  Resources: Json[];
  itemsPerPage: number;
  nextCursor?: string;
  previousCursor?: string;
  totalResults?: number;
  startIndex?: number;
}

describe('SCIM cursor paging (RFC 9865)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const get = (tenant: ScimTenant, path: string) =>
    app.http().get(`/scim/v2${path}`).set('Authorization', tenant.scimAuth);

  async function page(tenant: ScimTenant, path: string): Promise<Page> {
    const response = await get(tenant, path);
    expect({
      status: response.status,
      body: response.status === 200 ? 'ok' : response.body,
    }).toEqual({
      status: 200,
      body: 'ok',
    });
    return response.body as Page;
  }

  async function createUsers(
    tenant: ScimTenant,
    names: string[],
    extra: (i: number) => Json = () => ({}),
  ) {
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      const response = await app
        .http()
        .post('/scim/v2/Users')
        .set('Authorization', tenant.scimAuth)
        .send({ userName: name, ...extra(i) })
        .expect(201);
      ids.push(response.body.id as string);
    }
    return ids;
  }

  /** Every page from the first, following nextCursor; the query string without cursor. */
  async function walk(
    tenant: ScimTenant,
    resource: string,
    query: string,
    between?: (n: number) => Promise<void>,
  ) {
    const pages: Page[] = [];
    let cursor = '';
    for (let n = 0; n < 100; n++) {
      const current = await page(
        tenant,
        `/${resource}?${query}&cursor=${encodeURIComponent(cursor)}`,
      );
      pages.push(current);
      if (!current.nextCursor) return pages;
      cursor = current.nextCursor;
      await between?.(n);
    }
    throw new Error('more than 100 pages');
  }

  const ids = (pages: Page[]) => pages.flatMap((p) => p.Resources.map((r) => r.id as string));

  it('is advertised in ServiceProviderConfig', async () => {
    const tenant = await aScimTenant(app);
    const config = (await get(tenant, '/ServiceProviderConfig').expect(200)).body as Json;
    expect(config.pagination).toEqual({
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: 200,
      maxPageSize: 200,
    });
  });

  it('walks every user once, forwards and back, each page a ListResponse without startIndex', async () => {
    const tenant = await aScimTenant(app);
    const created = await createUsers(
      tenant,
      Array.from({ length: 23 }, (_, i) => `walk${i}@example.com`),
    );
    const pages = await walk(tenant, 'Users', 'count=10');
    expect(pages.map((p) => p.itemsPerPage)).toEqual([10, 10, 3]);
    // Unsorted: as index paging lists them (creation order, then id).
    const listed = (await page(tenant, '/Users?count=200')).Resources.map((r) => r.id);
    expect(ids(pages)).toEqual(listed);
    expect([...listed].sort()).toEqual([...created].sort());
    expect(pages[0]?.previousCursor).toBeUndefined();
    for (const p of pages) {
      expect(p.startIndex).toBeUndefined();
      expect(p).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'] });
    }
    // Back from the last page: the same pages in reverse, until there is none before.
    const back: Page[] = [pages[2]];
    let cursor = pages[2]?.previousCursor;
    while (cursor) {
      const previous = await page(tenant, `/Users?count=10&cursor=${encodeURIComponent(cursor)}`);
      back.unshift(previous);
      cursor = previous.previousCursor;
    }
    expect(back.map((p) => p.Resources.map((r) => r.id))).toEqual(
      pages.map((p) => p.Resources.map((r) => r.id)),
    );
    // And forwards again from a page reached going back.
    const again = await page(
      tenant,
      `/Users?count=10&cursor=${encodeURIComponent(back[0].nextCursor!)}`,
    );
    expect(again.Resources.map((r) => r.id)).toEqual(listed.slice(10, 20));
  });

  it('never skips nor repeats a user while others are provisioned and deprovisioned mid-walk', async () => {
    const tenant = await aScimTenant(app);
    const before = await createUsers(
      tenant,
      Array.from({ length: 30 }, (_, i) => `stable${i}@example.com`),
    );
    const deleted = new Set<string>();
    let added = 0;
    const pages = await walk(tenant, 'Users', 'count=7', async (n) => {
      // Between pages: a new user, one already seen and one not yet seen deprovisioned.
      await createUsers(tenant, [`late${n}@example.com`]);
      added += 1;
      for (const id of [before[n * 7], before[29 - n]]) {
        if (!id || deleted.has(id)) continue;
        await app
          .http()
          .delete(`/scim/v2/Users/${id}`)
          .set('Authorization', tenant.scimAuth)
          .expect(204);
        deleted.add(id);
      }
    });
    const seen = ids(pages);
    expect(new Set(seen).size).toBe(seen.length);
    const survivors = before.filter((id) => !deleted.has(id));
    expect(survivors.filter((id) => !seen.includes(id))).toEqual([]);
    // Users created during the walk come last (creation order): all of them are reached.
    expect(seen.length).toBeGreaterThanOrEqual(survivors.length + added);
  });

  it('pages a filter sorted by an attribute some users lack, as index paging orders it, both ways', async () => {
    const tenant = await aScimTenant(app);
    await createUsers(
      tenant,
      Array.from({ length: 17 }, (_, i) => `sorted${i}@example.com`),
      (i) => (i % 3 === 0 ? {} : { title: `Title ${(i * 7) % 5}` }),
    );
    await createUsers(tenant, ['other@elsewhere.test']);
    for (const order of ['ascending', 'descending']) {
      const query = `filter=${encodeURIComponent('userName sw "sorted"')}&sortBy=title&sortOrder=${order}`;
      const all = await page(tenant, `/Users?${query}&count=200`);
      expect(all.totalResults).toBe(17);
      const pages = await walk(tenant, 'Users', `${query}&count=4`);
      expect(ids(pages)).toEqual(all.Resources.map((r) => r.id));
      // Back from the last page reproduces the order too.
      const back: string[] = [];
      let current: Page | undefined = pages[pages.length - 1];
      while (current) {
        back.unshift(...current.Resources.map((r) => r.id as string));
        current = current.previousCursor
          ? await page(
              tenant,
              `/Users?${query}&count=4&cursor=${encodeURIComponent(current.previousCursor)}`,
            )
          : undefined;
      }
      expect(back).toEqual(all.Resources.map((r) => r.id));
    }
  });

  it('refuses a forged, edited or foreign cursor, or one of another query, with 400 invalidCursor', async () => {
    const tenant = await aScimTenant(app);
    const other = await aScimTenant(app);
    await createUsers(tenant, ['c1@example.com', 'c2@example.com', 'c3@example.com']);
    await createUsers(other, ['o1@example.com', 'o2@example.com']);
    const first = await page(tenant, '/Users?count=1&cursor');
    const cursor = first.nextCursor!;
    const [body, tag] = cursor.split('.') as [string, string];
    const edited = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown[];
    edited[4] = '00000000-0000-4000-8000-000000000000';
    const attempts: [ScimTenant, string][] = [
      // One character of the tag changed, in the middle (the last one carries bits base64url
      // decoding ignores, so changing it can leave the bytes as they were).
      [tenant, `${body}.${tag.slice(0, 5)}${tag[5] === 'A' ? 'B' : 'A'}${tag.slice(6)}`],
      [tenant, `${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${tag}`],
      [tenant, 'not-a-cursor'],
      [other, cursor],
    ];
    for (const [who, value] of attempts) {
      const response = await get(who, `/Users?count=1&cursor=${encodeURIComponent(value)}`);
      expect({ status: response.status, scimType: response.body.scimType }).toEqual({
        status: 400,
        scimType: 'invalidCursor',
      });
      expect(response.body.detail).toContain('nextCursor or previousCursor');
    }
    for (const query of [
      `filter=${encodeURIComponent('userName pr')}`,
      'sortBy=userName',
      'sortBy=userName&sortOrder=descending',
    ]) {
      const response = await get(
        tenant,
        `/Users?${query}&count=1&cursor=${encodeURIComponent(cursor)}`,
      );
      expect(response.status).toBe(400);
      expect(response.body.scimType).toBe('invalidCursor');
    }
    // A Users cursor is not a Groups cursor.
    const groups = await get(tenant, `/Groups?count=1&cursor=${encodeURIComponent(cursor)}`);
    expect(groups.body.scimType).toBe('invalidCursor');
  });

  it('refuses a count above 200 (invalidCount), answers count=0 with totalResults alone, and refuses startIndex with a cursor', async () => {
    const tenant = await aScimTenant(app);
    await createUsers(tenant, ['n1@example.com', 'n2@example.com']);
    for (const count of ['201', 'ten', '1.5']) {
      const response = await get(tenant, `/Users?cursor=&count=${count}`);
      expect({ count, status: response.status, scimType: response.body.scimType }).toEqual({
        count,
        status: 400,
        scimType: 'invalidCount',
      });
    }
    for (const count of ['0', '-3']) {
      const counted = await page(tenant, `/Users?cursor&count=${count}`);
      expect(counted).toEqual({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 2,
        itemsPerPage: 0,
        Resources: [],
      });
    }
    const groups = await page(tenant, '/Groups?cursor&count=0');
    expect(groups.totalResults).toBe(0);
    const both = await get(tenant, '/Users?cursor=&startIndex=1');
    expect({ status: both.status, scimType: both.body.scimType }).toEqual({
      status: 400,
      scimType: 'invalidValue',
    });
  });

  it('pages /Groups and POST /.search bodies by cursor too', async () => {
    const tenant = await aScimTenant(app);
    const groupIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await app
        .http()
        .post('/scim/v2/Groups')
        .set('Authorization', tenant.scimAuth)
        .send({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: `Cursor group ${i}`,
        })
        .expect(201);
      groupIds.push(response.body.id as string);
    }
    const pages = await walk(tenant, 'Groups', 'count=2');
    const listed = (await page(tenant, '/Groups?count=200')).Resources.map((r) => r.id);
    expect(ids(pages)).toEqual(listed);
    expect([...listed].sort()).toEqual([...groupIds].sort());
    const sorted = await walk(tenant, 'Groups', 'count=2&sortBy=displayName&sortOrder=descending');
    expect(ids(sorted)).toEqual([...groupIds].reverse());
    const users = await createUsers(tenant, ['s1@example.com', 's2@example.com', 's3@example.com']);
    const search = (body: Json) =>
      app
        .http()
        .post('/scim/v2/Users/.search')
        .set('Authorization', tenant.scimAuth)
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], ...body })
        .expect(200);
    const everyone = (await page(tenant, '/Users?count=200')).Resources.map((r) => r.id);
    expect([...everyone].sort()).toEqual([...users].sort());
    const firstPage = (await search({ cursor: '', count: 2 })).body as Page;
    expect(firstPage.Resources.map((r) => r.id)).toEqual(everyone.slice(0, 2));
    const second = (await search({ cursor: firstPage.nextCursor, count: 2 })).body as Page;
    expect(second.Resources.map((r) => r.id)).toEqual(everyone.slice(2));
    expect(second.nextCursor).toBeUndefined();
  });
});
