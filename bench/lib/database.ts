/** The bench's own connection to DATABASE_URL (seeding, clean-up, EXPLAIN, the raw-SQL yardstick). */
import { Client, Pool } from 'pg';

/** Creates the database DATABASE_URL names when it does not exist yet (the app migrates it). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL must name a database');
  const probe = new Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    process.stderr.write(`Created database ${name}\n`);
  } finally {
    await client.end();
  }
}

export function openPool(databaseUrl: string, max = 4): Pool {
  return new Pool({ connectionString: databaseUrl, max, application_name: 'rollcall-bench' });
}

/** The server's settings that matter to the numbers, for the report. */
export async function describeServer(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ name: string; setting: string; unit: string | null }>(
    `SELECT name, setting, unit FROM pg_settings
     WHERE name IN ('server_version', 'shared_buffers', 'max_connections', 'synchronous_commit', 'work_mem')
     ORDER BY name`,
  );
  return rows
    .map((r) => {
      if (r.name === 'shared_buffers' && r.unit === '8kB') {
        return `${r.name}=${(Number(r.setting) * 8) / 1024}MB`;
      }
      return `${r.name}=${r.setting}${r.unit && r.unit !== '8kB' ? r.unit : ''}`;
    })
    .join(', ');
}

/** Whether DATABASE_URL names a server on this machine (so its processes' CPU can be read). */
export function isLocalDatabase(databaseUrl: string): boolean {
  const host = new URL(databaseUrl).hostname.replace(/^\[|\]$/g, '');
  return host === '' || host === 'localhost' || host === '::1' || /^127\./.test(host);
}
