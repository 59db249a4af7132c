// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * The module direction (docs/architecture.md, "Module graph"): which libraries each library may
 * import. Foundation (common) ← domain (identity), protocol (scim), platform (operations) ←
 * admin auth (tenancy) ← SCIM integration settings (integration) ← channels and admin APIs, which
 * never import each other, except the SCIM root search (scim-search), which asks both SCIM channels. Only the schema registry (database) reads other libraries' tables
 * (`@rollcall/<lib>/entities`), and only the composition root (apps/api) and tests import it.
 */
const LAYERS = {
  common: [],
  identity: ['common'],
  scim: ['common'],
  operations: ['common'],
  // Admin portal sessions: below admin auth, whose guard accepts their cookie.
  'portal-sessions': ['common', 'identity', 'operations'],
  tenancy: ['common', 'identity', 'operations', 'portal-sessions'],
  integration: ['common', 'identity', 'operations', 'scim', 'tenancy'],
  'scim-users': ['common', 'identity', 'operations', 'scim', 'tenancy', 'integration'],
  'scim-groups': ['common', 'identity', 'operations', 'scim', 'tenancy', 'integration'],
  // The root search (POST /scim/v2/.search) asks both SCIM resource channels' services.
  'scim-search': [
    'common',
    'identity',
    'operations',
    'scim',
    'tenancy',
    'integration',
    'scim-users',
    'scim-groups',
  ],
  // The ACS opens a portal session when an admin signs in for the portal.
  saml: ['common', 'identity', 'operations', 'tenancy', 'portal-sessions', 'integration'],
  users: ['common', 'identity', 'operations', 'tenancy', 'integration'],
  'license-pools': ['common', 'identity', 'operations', 'tenancy', 'integration'],
  notifications: ['common', 'identity', 'operations', 'tenancy', 'integration'],
  events: ['common', 'identity', 'operations', 'tenancy', 'integration'],
  // The admin portal's files at /admin (the front end itself is apps/portal, bundled).
  'portal-ui': ['common'],
  database: ['common'],
};

/** The one way to run SQL text belongs to repositories. */
const STATEMENT_SEAM = {
  name: '@rollcall/common',
  importNames: ['runStatement', 'runStatementForOne'],
  message: 'SQL runs in repositories (*.repository.ts) only: add a repository method.',
};

/** Database access that only repositories (and migrations, and the seam itself) may use. */
const DATA_ACCESS_SYNTAX = [
  {
    selector:
      'CallExpression[callee.property.name=/^(query|createQueryBuilder|getRepository|createQueryRunner)$/]',
    message: 'Database access belongs in a repository (*.repository.ts): add a repository method.',
  },
  {
    selector: "Decorator[expression.callee.name='InjectRepository']",
    message: 'Inject a repository class (*.repository.ts), not a TypeORM Repository.',
  },
];

/** In a repository: SQL text runs through the statement seam, entity work through TypeORM's API. */
const REPOSITORY_SYNTAX = [
  {
    selector: 'CallExpression[callee.property.name=/^(query|createQueryRunner)$/]',
    message:
      'Run SQL text with runStatement (the one way to run a statement), not query() or a query runner.',
  },
];

/**
 * no-restricted-imports for a file of the library `lib`: with the statement seam closed or not, and
 * with other libraries' tables closed or not (a table's foreign keys name the tables they refer to).
 */
function libraryImports(lib, { seamClosed, entitiesClosed }) {
  const others = Object.keys(LAYERS).filter((other) => other !== lib);
  const forbidden = others.filter((other) => !LAYERS[lib].includes(other));
  const patterns = [];
  if (forbidden.length > 0) {
    // The schema registry may read the tables (`/entities`) of any library, nothing else of them.
    const rest = lib === 'database' ? '(/(?!entities$).*)?' : '(/.*)?';
    patterns.push({
      regex: `^@rollcall/(${forbidden.join('|')})${rest}$`,
      message: `libs/${lib} may import only ${LAYERS[lib].map((l) => '@rollcall/' + l).join(', ') || 'no other library'} (the module direction in docs/architecture.md).`,
    });
  }
  if (entitiesClosed) {
    patterns.push({
      group: ['@rollcall/*/entities'],
      message:
        "Another library's tables are its own: ask its services (only libs/database's schema registry imports entities).",
    });
  }
  patterns.push({
    group: ['../../*/src/*', '../../../*/src/*', 'libs/*'],
    message: 'Import another library through its @rollcall/<lib> alias.',
  });
  return ['error', { paths: seamClosed ? [STATEMENT_SEAM] : [], patterns }];
}

/** Per library: the direction everywhere, the data-access rule outside repositories. */
const MODULE_RULES = Object.keys(LAYERS).flatMap((lib) => {
  const files = [`libs/${lib}/src/**/*.ts`];
  const ignores = ['**/*.spec.ts', '**/testing/**'];
  const open = lib === 'database' || lib === 'common';
  const entitiesClosed = lib !== 'database';
  return [
    {
      files,
      ignores,
      rules: {
        'no-restricted-imports': libraryImports(lib, { seamClosed: !open, entitiesClosed }),
        'no-restricted-syntax': open ? 'off' : ['error', ...DATA_ACCESS_SYNTAX],
      },
    },
    {
      files: [`libs/${lib}/src/**/*.entity.ts`],
      ignores,
      rules: {
        'no-restricted-imports': libraryImports(lib, { seamClosed: true, entitiesClosed: false }),
      },
    },
    {
      files: [`libs/${lib}/src/**/*.repository.ts`],
      ignores,
      rules: {
        'no-restricted-imports': libraryImports(lib, { seamClosed: false, entitiesClosed }),
        'no-restricted-syntax': ['error', ...REPOSITORY_SYNTAX],
      },
    },
  ];
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.rollcall-data/**',
      'eslint.config.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  ...MODULE_RULES,
  {
    // The seam itself (libs/common/src/database) and the data source, driver and migrations
    // (libs/database) are where the database is reached at all.
    files: ['libs/common/src/**/*.ts'],
    ignores: ['libs/common/src/database/**', '**/*.spec.ts'],
    rules: { 'no-restricted-syntax': ['error', ...DATA_ACCESS_SYNTAX] },
  },
  {
    // The admin portal runs in the browser (apps/portal/tsconfig.json: DOM types, no Node): it
    // speaks to the server over HTTP only, never by importing its code.
    files: ['apps/portal/**/*.ts', 'apps/portal/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@rollcall/*', 'node:*', '../../../*', '../../api/*'],
              message: 'The portal runs in the browser: it calls the API, never server code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'apps/api/src/main.ts'],
    rules: { 'no-console': 'off' },
  },
);
