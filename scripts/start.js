#!/usr/bin/env node
// `npm start`: builds when the sources are newer than the build (the API and the admin portal, each
// on its own), then runs the API (which migrates the database at boot). Plain JavaScript so that it
// runs before anything is compiled.
'use strict';
const { spawnSync, spawn } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { buildPortal, portalNeedsBuild } = require('./build-portal.js');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'apps', 'api', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (item.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function needsBuild() {
  if (!existsSync(entry)) return true;
  const sources = Math.max(
    newestSource(join(root, 'apps', 'api')),
    newestSource(join(root, 'libs')),
    statSync(join(root, 'package-lock.json')).mtimeMs,
  );
  return sources > statSync(entry).mtimeMs;
}

if (needsBuild()) {
  process.stdout.write('Building Rollcall…\n');
  const nest = join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');
  const build = spawnSync(process.execPath, [nest, 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

async function main() {
  if (portalNeedsBuild()) {
    process.stdout.write('Building the admin portal…\n');
    await buildPortal();
  }
  run();
}

function run() {
  // The same heap cap as the Dockerfile: the server's memory budget (docs/performance.md).
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '--max-old-space-size=192', entry],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error) => {
  process.stderr.write(`Building the admin portal failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
