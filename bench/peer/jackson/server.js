'use strict';
/**
 * BoxyHQ SAML Jackson's Directory Sync over HTTP, the way its hosted service serves it (one catch-all
 * route handing every SCIM request to `directorySyncController.requests.handle`), for the bench's
 * peer rows. Jackson is a library: this is the least front it needs, plain `node:http`, so that the
 * peer's numbers are Jackson's own and not a framework's.
 *
 *   DATABASE_URL=postgres://… PORT=0 node server.js
 *
 * prints `listening <port>` once it serves. `POST /setup {name, tenant, product}` makes a
 * `generic-scim-v2` directory and answers it (with `scim.secret`); SCIM is served under
 * `/api/scim/v2.0/<directoryId>/<Users|Groups>[/<id>]` with `Authorization: Bearer <secret>`.
 */
const http = require('node:http');
const jackson = require('@boxyhq/saml-jackson');

const SCIM_PATH = '/api/scim/v2.0';

function send(res, status, data) {
  const body = data === undefined ? '' : JSON.stringify(data);
  res.writeHead(status, {
    'content-type': 'application/scim+json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function handle(dsync, req, res, text, externalUrl) {
  const url = new URL(req.url, externalUrl);
  const body = text ? JSON.parse(text) : undefined;
  if (req.method === 'POST' && url.pathname === '/setup') {
    const { data, error } = await dsync.directories.create({
      name: body.name,
      tenant: body.tenant,
      product: body.product,
      type: 'generic-scim-v2',
    });
    return error ? send(res, 500, error) : send(res, 201, data);
  }
  if (!url.pathname.startsWith(`${SCIM_PATH}/`)) return send(res, 404, { detail: 'Not found' });
  const [directoryId, resourceType = '', resourceId] = url.pathname
    .slice(SCIM_PATH.length + 1)
    .split('/');
  const authorization = req.headers.authorization || '';
  const query = {};
  for (const [key, value] of url.searchParams) {
    query[key] = key === 'count' || key === 'startIndex' ? Number(value) : value;
  }
  const result = await dsync.requests.handle({
    method: req.method,
    body,
    directoryId,
    resourceType: resourceType.toLowerCase(),
    resourceId,
    apiSecret: authorization.startsWith('Bearer ') ? authorization.slice(7) : null,
    query,
  });
  return send(res, result.status, result.data);
}

async function main() {
  const port = Number(process.env.PORT || 0);
  const externalUrl = `http://127.0.0.1:${port}`;
  const { directorySyncController: dsync } = await jackson.controllers({
    externalUrl,
    samlPath: '/api/oauth/saml',
    scimPath: SCIM_PATH,
    db: { engine: 'sql', type: 'postgres', url: process.env.DATABASE_URL },
    noAnalytics: true,
  });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      handle(dsync, req, res, Buffer.concat(chunks).toString('utf8'), externalUrl).catch((error) =>
        send(res, 500, { detail: String((error && error.message) || error) }),
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`listening ${server.address().port}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${(error && error.stack) || error}\n`);
  process.exit(1);
});
