/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements a captured request ran, with its parameters, inside
 * a transaction that is rolled back (writes included). The summary says which indexes served them,
 * whether any statement scanned a whole table, and how many buffers the request touched.
 */
import type { Pool } from 'pg';
import type { CapturedRequest } from '../scenarios/types';

const SKIP = /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SET|SAVEPOINT|RELEASE)\b/i;

export interface ExplainedStatement {
  text: string;
  values: (string | null)[];
  plan: string;
}

export interface Explained {
  statements: ExplainedStatement[];
  /** "Seq Scan on users" and the like, over tables that grow with a tenant. */
  seqScans: string[];
  indexes: string[];
  /** Shared buffers hit + read, summed over the statements' top plan nodes. */
  buffers: number;
  /** Execution time summed over the statements (ms). */
  executionMs: number;
}

const GROWING = ['users', 'group_members', 'groups', 'scim_request_logs', 'outbox_messages'];

export async function explainCaptured(db: Pool, captured: CapturedRequest): Promise<Explained> {
  const client = await db.connect();
  const statements: ExplainedStatement[] = [];
  try {
    await client.query('BEGIN');
    for (const statement of captured.statements) {
      if (SKIP.test(statement.text) || statement.error) continue;
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
        statement.values,
      );
      statements.push({
        text: statement.text,
        values: statement.values,
        plan: rows.map((r) => r['QUERY PLAN']).join('\n'),
      });
    }
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
  const seqScans = new Set<string>();
  const indexes = new Set<string>();
  let buffers = 0;
  let executionMs = 0;
  for (const { plan } of statements) {
    for (const match of plan.matchAll(/Seq Scan on (\w+)/g)) {
      if (GROWING.includes(match[1] ?? '')) seqScans.add(`Seq Scan on ${match[1]}`);
    }
    for (const match of plan.matchAll(
      /(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)/g,
    )) {
      indexes.add(match[1] ?? '');
    }
    const top = /Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?/.exec(plan);
    buffers += Number(top?.[1] ?? 0) + Number(top?.[2] ?? 0);
    executionMs += Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? 0);
  }
  return { statements, seqScans: [...seqScans], indexes: [...indexes], buffers, executionMs };
}

/** Markdown: every statement with its parameters and plan. */
export function plansMarkdown(title: string, explained: Explained): string {
  const parts = [`### ${title}`, ''];
  parts.push(
    `Indexes: ${explained.indexes.join(', ') || 'none'}; whole-table scans: ${explained.seqScans.join(', ') || 'none'}; buffers: ${explained.buffers}; execution ${explained.executionMs.toFixed(2)} ms.`,
    '',
  );
  for (const s of explained.statements) {
    parts.push('```sql', s.text.trim(), '```');
    if (s.values.length > 0) parts.push(`Parameters: \`${JSON.stringify(s.values)}\``, '');
    parts.push('```', s.plan, '```', '');
  }
  return parts.join('\n');
}
