import { sealCursor } from '../../libs/scim/src/http/cursor';
import { between, random, type Scenario } from './types';

const COUNT = 100;

/**
 * GET /Users?cursor=…&count=100 near the end of the tenant's users (RFC 9865): what an IdP's full
 * re-read costs on its last pages when it pages by cursor. The cursors are made here, for rows
 * 1,000 to 100 from the end: the bench asks the server for a first page (so that the
 * installation's cursor key exists), reads that key from the database and seals positions with
 * it exactly as the server does; the server cannot tell them from its own.
 */
function cursorPage(tenant: 'small' | 'large'): Scenario {
  return {
    id: `cursor-page-${tenant}`,
    title: `Cursor page deep in the result (count=${COUNT})`,
    tenant,
    capture: true,
    explain: true,
    prepare: async ({ tenants, db, baseUrl }) => {
      const t = tenants[tenant];
      const first = await fetch(`${baseUrl}/scim/v2/Users?cursor=&count=1`, {
        headers: { Authorization: t.scimAuth },
      });
      if (first.status !== 200) throw new Error(`a first cursor page answered ${first.status}`);
      const [{ secret }] = (
        await db.query<{ secret: Buffer }>(
          `SELECT secret FROM server_keys WHERE purpose = 'scim-cursor'`,
        )
      ).rows as [{ secret: Buffer }];
      const positions = (
        await db.query<{ id: string; created_at: Date }>(
          `SELECT id, created_at FROM users
           WHERE organization_id = $1 AND scim_visible AND status <> 'anonymized'
           ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 900`,
          [t.id, COUNT],
        )
      ).rows;
      if (positions.length === 0) throw new Error(`the ${tenant} tenant has too few users`);
      const binding = {
        organizationId: t.id,
        resource: 'User',
        filter: undefined,
        sortBy: undefined,
        descending: false,
      };
      const cursors = positions.map(({ id, created_at }) =>
        encodeURIComponent(
          sealCursor(secret, binding, {
            direction: 'after',
            inclusive: false,
            createdAt: created_at.toISOString(),
            id,
          }),
        ),
      );
      const next = random(4);
      return {
        kind: 'http',
        auth: t.scimAuth,
        next: () => ({
          method: 'GET',
          path: `/scim/v2/Users?cursor=${cursors[between(next, 0, cursors.length - 1)]}&count=${COUNT}`,
        }),
        verify: (body) => body.includes(`"itemsPerPage":${COUNT},`),
      };
    },
  };
}

export const cursorPageSmall = cursorPage('small');
export const cursorPageLarge = cursorPage('large');
