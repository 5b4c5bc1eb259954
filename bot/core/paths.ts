import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
