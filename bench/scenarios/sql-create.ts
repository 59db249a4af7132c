import { replay } from '../lib/yardstick';
import type { Scenario } from './types';

/**
 * The yardstick: the exact statements one SCIM create sent to PostgreSQL (captured from the app),
 * replayed by raw `pg` clients at the same concurrency, each replay with a new userName and
 * externalId and the new user's id carried into the statements after the INSERT.
 */
export const sqlCreate: Scenario = {
  id: 'sql-create',
  title: 'Raw SQL of one SCIM create (pg)',
  tenant: 'large',
  needs: ['scim-create'],
  prepare: async ({ databaseUrl, runId, captured }) => {
    let n = 0;
    return {
      kind: 'custom',
      run: (connections, seconds) => {
        const create = captured('scim-create');
        if (!create || create.status !== 201) {
          throw new Error(`the SCIM create was not captured (status ${create?.status ?? 'none'})`);
        }
        const body = create.request.body as { userName: string; externalId: string };
        const domain = body.userName.slice(body.userName.indexOf('@') + 1);
        return replay(
          databaseUrl,
          {
            statements: create.statements,
            replace: () => {
              n++;
              const name = `Sql-${runId}-${n}@${domain}`;
              return [
                [body.userName, name],
                [body.userName.toLowerCase(), name.toLowerCase()],
                [body.externalId, `new-sql-${runId}-${n}`],
              ];
            },
          },
          connections,
          seconds,
        );
      },
    };
  },
};
