'use strict';
/**
 * The floor: what any Node.js service on this machine can do at best for a SCIM read, for the
 * bench's side-by-side rows. Plain `node:http` and one `pg` pool (as many connections as
 * Rollcall's), one prepared statement per request on Rollcall's own tables (the user and its
 * pool), the row turned into a SCIM-shaped body and sent. No authentication, no provisioning log,
 * no routing framework, no validation: nothing a real service must do. A service that answers as
 * fast as this has nothing left to remove; the distance from it is the price of what it does.
 *
 *   DATABASE_URL=postgres://… ORGANIZATION_ID=<uuid> POOL_SIZE=10 PORT=0 node server.js
 *
 * prints `listening <port>` once it serves `GET /scim/v2/Users/<id>` and
 * `GET /scim/v2/Users?filter=userName eq "…"` for that organization.
 */
const http = require('node:http');
const { Pool } = require('pg');

const organizationId = process.env.ORGANIZATION_ID;
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE || 10),
  application_name: 'rollcall-bench-floor',
});

const COLUMNS = `u.id, u.user_name, u.external_id, u.given_name, u.family_name, u.display_name,
  u.emails, u.status, u.created_at, u.updated_at, u.version, p.name AS pool_name`;
const BY_ID = {
  name: 'floor_by_id',
  text: `SELECT ${COLUMNS} FROM users u JOIN license_pools p ON p.id = u.license_pool_id
         WHERE u.organization_id = $1 AND u.id = $2`,
};
const BY_USER_NAME = {
  name: 'floor_by_user_name',
  text: `SELECT ${COLUMNS} FROM users u JOIN license_pools p ON p.id = u.license_pool_id
         WHERE u.organization_id = $1 AND lower(u.user_name) = lower($2)`,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function scimUser(row) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: row.id,
    externalId: row.external_id ?? undefined,
    userName: row.user_name,
    name: { givenName: row.given_name ?? undefined, familyName: row.family_name ?? undefined },
    displayName: row.display_name ?? undefined,
    emails: row.emails,
    active: row.status !== 'deactivated',
    'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User': { licensePoolName: row.pool_name },
    meta: {
      resourceType: 'User',
      created: row.created_at.toISOString(),
      lastModified: row.updated_at.toISOString(),
      version: `W/"${row.version}"`,
    },
  };
}

function send(res, status, data) {
  const body = JSON.stringify(data);
  res.writeHead(status, {
    'content-type': 'application/scim+json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://floor');
  if (req.method !== 'GET') return send(res, 405, { detail: 'GET only' });
  if (url.pathname === '/scim/v2/Users') {
    const filter = /^userName eq "([^"]*)"$/.exec(url.searchParams.get('filter') || '');
    if (!filter) return send(res, 400, { detail: 'userName eq "…" only' });
    const { rows } = await pool.query({ ...BY_USER_NAME, values: [organizationId, filter[1]] });
    return send(res, 200, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: rows.length,
      startIndex: 1,
      itemsPerPage: rows.length,
      Resources: rows.map(scimUser),
    });
  }
  const id = url.pathname.startsWith('/scim/v2/Users/') ? url.pathname.slice(15) : '';
  if (!UUID.test(id)) return send(res, 404, { detail: 'Not found' });
  const { rows } = await pool.query({ ...BY_ID, values: [organizationId, id] });
  return rows[0] ? send(res, 200, scimUser(rows[0])) : send(res, 404, { detail: 'Not found' });
}

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    handle(req, res).catch((error) => send(res, 500, { detail: String(error) }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
