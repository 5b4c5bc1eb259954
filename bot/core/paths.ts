import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParleyError } from './errors.js';

let root: string | undefined;

/**
 * The package's root folder (the one holding Parley's package.json), found from this module whether it runs from
 * the TypeScript sources or from `dist/`. Bundled files (widget, sample data) are looked up from here.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Parley package root');
    dir = parent;
  }
  root = dir;
  return dir;
}

/** A path inside the package's source tree, e.g. `packageFile('channels', 'webchat', 'public')`. */
export function packageFile(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}

/**
 * A file `npm run build` writes into `dist/` (the browser bundles: the web chat widget, the dashboard's script), found
 * the same way whether Parley runs from the TypeScript sources or from `dist/`.
 */
export function buildOutputFile(...segments: string[]): string {
  return join(packageRoot(), 'dist', ...segments);
}

/** Reads a {@link buildOutputFile}; a missing one is a coded error that says to run the build. */
export async function readBuildOutput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new ParleyError('internal', `${path} is missing: run \`npm run build\` to bundle the browser scripts`, { cause: error });
  }
}
