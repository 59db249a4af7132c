#!/usr/bin/env node
// `npm run build:portal`: bundles the admin portal (apps/portal) with esbuild into dist/portal:
// index.html plus content-hashed assets under dist/portal/assets, which the API serves at /admin.
// `--if-stale` builds only when the portal's sources (or the lockfile) are newer than the build.
// Plain JavaScript so that it runs before anything is compiled (npm start, the jest global setup).
'use strict';
const {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { basename, join } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'apps', 'portal');
const out = join(root, 'dist', 'portal');
const assets = join(out, 'assets');
const index = join(out, 'index.html');

function newestFile(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    newest = Math.max(newest, item.isDirectory() ? newestFile(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when dist/portal is missing or older than a portal source, this script or the lockfile. */
function portalNeedsBuild() {
  if (!existsSync(index)) return true;
  const sources = Math.max(
    newestFile(source),
    statSync(join(__dirname, 'build-portal.js')).mtimeMs,
    statSync(join(root, 'package-lock.json')).mtimeMs,
  );
  return sources > statSync(index).mtimeMs;
}

/** Writes a file through a temporary name, so that a concurrent reader never sees half of it. */
function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

function page(script, style) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Rollcall admin</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/admin/assets/${style}">
<script type="module" src="/admin/assets/${script}"></script>
</head>
<body>
<div id="app"><noscript>The Rollcall admin portal needs JavaScript.</noscript></div>
</body>
</html>
`;
}

async function buildPortal() {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(source, 'src', 'main.tsx')],
    tsconfig: join(source, 'tsconfig.json'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome111', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: 'app-[hash]',
    assetNames: 'asset-[hash]',
    outdir: assets,
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
  });
  mkdirSync(assets, { recursive: true });
  const written = result.outputFiles.map((file) => {
    writeAtomically(file.path, file.contents);
    return basename(file.path);
  });
  const script = written.find((name) => name.endsWith('.js'));
  const style = written.find((name) => name.endsWith('.css'));
  if (!script || !style) throw new Error(`esbuild wrote ${written.join(', ')}: no script or style`);
  writeAtomically(index, page(script, style));
  // Assets of earlier builds: no index.html refers to them any more (another build's temporary
  // files stay).
  for (const name of readdirSync(assets)) {
    if (!written.includes(name) && !name.endsWith('.tmp'))
      rmSync(join(assets, name), { force: true });
  }
  return { script, style };
}

module.exports = { buildPortal, portalNeedsBuild };

if (require.main === module) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !portalNeedsBuild()) process.exit(0);
  buildPortal().then(
    ({ script, style }) => process.stdout.write(`Built the admin portal: ${script}, ${style}\n`),
    (error) => {
      process.stderr.write(`Building the admin portal failed: ${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
