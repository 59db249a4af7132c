import type { DataSource } from 'typeorm';

export interface SnapshotOptions {
  /**
   * Tables left out: logs that record refused requests by design (the SCIM provisioning log, the
   * sign-in log).
   */
  ignoreTables?: string[];
  /** Columns left out wherever they appear (e.g. `last_used_at`, touched by every authentication). */
  ignoreColumns?: string[];
}

/** What "a rejected request changes nothing" leaves out: logs of refusals and credential use. */
export const REJECTION_SNAPSHOT: SnapshotOptions = {
  ignoreTables: ['scim_request_logs', 'sign_in_attempts'],
  ignoreColumns: ['last_used_at'],
};

/**
 * Every row an organization owns, in one query: the organization itself and every table of the
 * schema with an `organization_id` column, found in the catalog so that a table added later is
 * covered without touching the tests. Rows are ordered by their text, so two snapshots of the same
 * data are the same string.
 */
export class TenantSnapshot {
  private constructor(
    private readonly dataSource: DataSource,
    private readonly sql: string,
    readonly tables: string[],
  ) {}

  static async prepare(
    dataSource: DataSource,
    options: SnapshotOptions = {},
  ): Promise<TenantSnapshot> {
    const ignoredTables = new Set(options.ignoreTables ?? []);
    const ignoredColumns = new Set(options.ignoreColumns ?? []);
    const rows: { table_name: string; column_name: string }[] = await dataSource.query(
      `SELECT c.table_name, c.column_name
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        ORDER BY c.table_name, c.ordinal_position`,
    );
    const columns = new Map<string, string[]>();
    for (const { table_name: table, column_name: column } of rows) {
      columns.set(table, [...(columns.get(table) ?? []), column]);
    }
    const owned = [...columns.entries()].filter(
      ([table, names]) =>
        !ignoredTables.has(table) &&
        (table === 'organizations' || names.includes('organization_id')),
    );
    if (!owned.some(([table]) => table === 'organizations')) {
      throw new Error('the schema has no organizations table');
    }
    const dropped = `ARRAY[${[...ignoredColumns].map((name) => `'${name}'`).join(', ')}]::text[]`;
    const selects = owned.map(([table]) => {
      const key = table === 'organizations' ? 'id' : 'organization_id';
      const row = `(to_jsonb(t) - ${dropped})`;
      return `'${table}', (SELECT coalesce(jsonb_agg(${row} ORDER BY ${row}::text), '[]'::jsonb) FROM "${table}" t WHERE t."${key}" = $1)`;
    });
    return new TenantSnapshot(
      dataSource,
      `SELECT jsonb_build_object(${selects.join(', ')})::text AS snapshot`,
      owned.map(([table]) => table),
    );
  }

  /** The organization's rows, as one comparable string. */
  async take(organizationId: string): Promise<string> {
    const [row] = await this.dataSource.query<{ snapshot: string }[]>(this.sql, [organizationId]);
    if (!row) throw new Error('the snapshot query returned nothing');
    return row.snapshot;
  }
}

/** The first difference between two snapshots, table by table, for a readable failure. */
export function snapshotDifference(before: string, after: string): string | undefined {
  if (before === after) return undefined;
  const a = JSON.parse(before) as Record<string, unknown[]>;
  const b = JSON.parse(after) as Record<string, unknown[]>;
  for (const table of Object.keys(a)) {
    const left = JSON.stringify(a[table]);
    const right = JSON.stringify(b[table]);
    if (left !== right) {
      return `${table} changed:\n  before ${left.slice(0, 1500)}\n  after  ${right.slice(0, 1500)}`;
    }
  }
  return 'the snapshot changed';
}
