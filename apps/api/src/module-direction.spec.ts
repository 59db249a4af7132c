import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The module direction and the data-access rule are ESLint rules (eslint.config.mjs), so `npm run
 * lint` fails CI on a violation. This proves the rules bite: each probe is a real file of the tree
 * with one offending line added, linted as it would be in place.
 */
interface Probe {
  file: string;
  line: string;
  /** The rule that must report the line, or null when none of ours may. */
  rule: 'no-restricted-imports' | 'no-restricted-syntax' | null;
}

const PROBES: Probe[] = [
  // The three bends the layering once had.
  {
    file: 'libs/scim/src/http/etag.ts',
    line: "export { ScimAuth } from '@rollcall/integration';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'libs/users/src/users-admin.service.ts',
    line: "export { SamlModule } from '@rollcall/saml';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'libs/operations/src/metrics/metrics.service.ts',
    line: "export { OutboxService } from '@rollcall/identity';",
    rule: 'no-restricted-imports',
  },
  // The domain imports no channel; channels do not import each other.
  {
    file: 'libs/identity/src/users/user-core.service.ts',
    line: "export { ScimUsersModule } from '@rollcall/scim-users';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'libs/saml/src/sign-in/saml-sign-in.service.ts',
    line: "export { UsersAdminModule } from '@rollcall/users';",
    rule: 'no-restricted-imports',
  },
  // The root search asks both SCIM channels; they never ask it, and it reaches no other channel.
  {
    file: 'libs/scim-search/src/root-search.service.ts',
    line: "export { ScimUsersModule } from '@rollcall/scim-users';",
    rule: null,
  },
  {
    file: 'libs/scim-users/src/scim-users.service.ts',
    line: "export { ScimSearchModule } from '@rollcall/scim-search';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'libs/scim-search/src/root-search.service.ts',
    line: "export { SamlModule } from '@rollcall/saml';",
    rule: 'no-restricted-imports',
  },
  // Another library's tables: only the schema registry.
  {
    file: 'libs/users/src/users-admin.service.ts',
    line: "export { UserEntity } from '@rollcall/identity/entities';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'libs/database/src/schema.ts',
    line: "export { OrganizationsService } from '@rollcall/identity';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'libs/database/src/schema.ts',
    line: "export { UserEntity as U } from '@rollcall/identity/entities';",
    rule: null,
  },
  // SQL outside a repository, by either road.
  {
    file: 'libs/identity/src/users/user-core.service.ts',
    line: "export { runStatement } from '@rollcall/common';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'libs/saml/src/sessions/web-sessions.service.ts',
    line: "export const probe = (d: import('typeorm').DataSource) => d.query('SELECT 1');",
    rule: 'no-restricted-syntax',
  },
  {
    file: 'libs/integration/src/settings/scim-integration.service.ts',
    line: "export const probe = (m: import('typeorm').EntityManager) => m.createQueryBuilder();",
    rule: 'no-restricted-syntax',
  },
  // In a repository: SQL text through the seam, entities through TypeORM's API, never query().
  {
    file: 'libs/saml/src/sessions/web-sessions.repository.ts',
    line: "export { runStatementForOne } from '@rollcall/common';",
    rule: null,
  },
  {
    file: 'libs/saml/src/sessions/web-sessions.repository.ts',
    line: "export const probe = (m: import('typeorm').EntityManager) => m.createQueryBuilder();",
    rule: null,
  },
  {
    file: 'libs/saml/src/sessions/web-sessions.repository.ts',
    line: "export const probe = (d: import('typeorm').DataSource) => d.query('SELECT 1');",
    rule: 'no-restricted-syntax',
  },
];

/** Lints every probe in one ESLint process (type-aware linting takes seconds to start). */
function lintProbes(): { ruleIds: string[] }[] {
  const script = `
    const { ESLint } = require('eslint');
    const { readFileSync } = require('node:fs');
    const probes = JSON.parse(process.argv[1]);
    (async () => {
      const eslint = new ESLint();
      const out = [];
      for (const p of probes) {
        const text = readFileSync(p.file, 'utf8') + '\\n' + p.line + '\\n';
        const [result] = await eslint.lintText(text, { filePath: p.file });
        const last = text.split('\\n').length - 1;
        out.push({ ruleIds: result.messages.filter((m) => m.line === last).map((m) => m.ruleId) });
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const root = join(__dirname, '..', '..', '..');
  const output = execFileSync(process.execPath, ['-e', script, JSON.stringify(PROBES)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(output) as { ruleIds: string[] }[];
}

describe('module direction and data access (eslint.config.mjs)', () => {
  let results: { ruleIds: string[] }[];

  beforeAll(() => {
    results = lintProbes();
  }, 120_000);

  it.each(PROBES.map((probe, index) => [`${probe.file}: ${probe.line}`, probe, index] as const))(
    '%s',
    (_name, probe, index) => {
      const ours = results[index].ruleIds.filter(
        (id) => id === 'no-restricted-imports' || id === 'no-restricted-syntax',
      );
      expect(ours).toEqual(probe.rule ? [probe.rule] : []);
    },
  );
});
