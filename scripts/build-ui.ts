import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { packageRoot } from '../bot/core/paths.js';

/** One browser bundle: a TypeScript entry module and the minified script the server serves. */
export interface UiBundle {
  /** Short name, e.g. `widget`. */
  name: string;
  /** Entry module, relative to the package root. */
  entry: string;
  /** Bundled script, relative to the package root (inside `dist/`, next to the compiled server). */
  outfile: string;
}

/** The browser scripts Parley serves: the embeddable web chat widget and the CX dashboard's single-page app. */
export const UI_BUNDLES: readonly UiBundle[] = [
  { name: 'widget', entry: 'channels/webchat/widget/index.ts', outfile: 'dist/channels/webchat/public/widget.js' },
  { name: 'dashboard', entry: 'evaluations/dashboard/ui/main.ts', outfile: 'dist/evaluations/dashboard/public/app.js' },
];

/** Size of a built bundle, raw and gzipped (level 9, as a server or CDN would send it). */
export interface UiBundleSize {
  name: string;
  outfile: string;
  bytes: number;
  gzipBytes: number;
}

/** esbuild options of a bundle: one self-running script (IIFE) for ES2020 browsers, minified, no source map. */
export function bundleOptions(bundle: UiBundle, root: string = packageRoot()): BuildOptions {
  return {
    entryPoints: [join(root, bundle.entry)],
    outfile: join(root, bundle.outfile),
    tsconfig: join(root, 'tsconfig.browser.json'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  };
}

/**
 * Bundles the browser scripts (all of {@link UI_BUNDLES}, or those named in `only`) and writes them unless `write` is
 * false. Each file is written to a temporary name and renamed into place, so a server reading it meanwhile (tests
 * build while other test files serve) never sees half a script.
 */
export async function buildUiBundles(options: { only?: string[]; write?: boolean; root?: string } = {}): Promise<UiBundleSize[]> {
  const root = options.root ?? packageRoot();
  const bundles = UI_BUNDLES.filter((bundle) => !options.only || options.only.includes(bundle.name));
  return Promise.all(
    bundles.map(async (bundle) => {
      const result = await build({ ...bundleOptions(bundle, root), write: false });
      const output = result.outputFiles[0];
      if (!output) throw new Error(`esbuild produced no output for ${bundle.entry}`);
      if (options.write !== false) {
        const target = join(root, bundle.outfile);
        const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
        await mkdir(dirname(target), { recursive: true });
        await writeFile(temporary, output.contents);
        await rename(temporary, target);
      }
      return { name: bundle.name, outfile: bundle.outfile, bytes: output.contents.byteLength, gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength };
    }),
  );
}

/** `node dist/scripts/build-ui.js [--json]`: writes the bundles (part of `npm run build`); `--json` prints their sizes. */
async function main(): Promise<void> {
  const sizes = await buildUiBundles();
  if (process.argv.includes('--json')) console.log(JSON.stringify({ bundles: sizes }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`build-ui: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
