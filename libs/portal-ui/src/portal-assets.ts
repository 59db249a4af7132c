import { Injectable } from '@nestjs/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** One file of the bundled portal, kept in memory (the whole bundle is a few dozen kilobytes). */
export interface PortalFile {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * Where `npm run build:portal` writes the bundle: dist/portal, beside dist/apps/api (the built server's
 * own directory), or seen from these sources (tests, ts-node) at the repository's root.
 */
export function portalDirectories(): string[] {
  return [
    join(__dirname, '..', '..', 'portal'),
    join(__dirname, '..', '..', '..', 'dist', 'portal'),
  ];
}

/**
 * The built admin portal (apps/portal bundled into dist/portal): index.html and its content-hashed
 * assets, read once. A server started before the portal was built keeps looking until it is.
 */
@Injectable()
export class PortalAssets {
  private loaded: { index: PortalFile; assets: Map<string, PortalFile> } | undefined;

  constructor(private readonly directories: string[] = portalDirectories()) {}

  /** index.html, or undefined while the portal is not built. */
  index(): PortalFile | undefined {
    return this.load()?.index;
  }

  /** A file of dist/portal/assets by its name; never a path (the names are listed at load). */
  asset(name: string): PortalFile | undefined {
    return this.load()?.assets.get(name);
  }

  private load() {
    if (this.loaded) return this.loaded;
    const directory = this.directories.find((dir) => existsSync(join(dir, 'index.html')));
    if (!directory) return undefined;
    const assets = new Map<string, PortalFile>();
    const assetDirectory = join(directory, 'assets');
    if (existsSync(assetDirectory)) {
      for (const name of readdirSync(assetDirectory)) {
        const type = TYPES[extname(name)];
        if (type) assets.set(name, { body: readFileSync(join(assetDirectory, name)), type });
      }
    }
    const index = {
      body: readFileSync(join(directory, 'index.html')),
      type: 'text/html; charset=utf-8',
    };
    this.loaded = { index, assets };
    return this.loaded;
  }
}
