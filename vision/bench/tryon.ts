#!/usr/bin/env node
/**
 * `npm run bench:tryon -- DIR [--out SHEET.png] [--each OUTDIR] [--backend auto|wasm|tensorflow|cpu] [--catalogue]`: every DIR/human × DIR/cloth pair through the try-on; prints one JSON
 * line (medians, p95, contact sheet path). With `--catalogue`, every person is also run with the bundled sample catalogue's
 * garments (the demo store's), reported apart as `catalogue` (same figures; contact sheet SHEET-catalogue.png). With `--each`, every result is also written full size as OUTDIR/PERSON_GARMENT.png
 * (outside the timed part), to look at pair by pair. Progress goes to stderr. Exit 2 on a bad directory.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { asParleyError } from '../../bot/core/index.js';
import { runTryOnBench } from './run-bench.js';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const sheet = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1]! : join(tmpdir(), `parley-tryon-sheet-${process.pid}.png`));
const backendIndex = args.indexOf('--backend');
const backend = backendIndex >= 0 ? args[backendIndex + 1] : 'wasm';
const eachIndex = args.indexOf('--each');
const each = eachIndex >= 0 && args[eachIndex + 1] ? resolve(args[eachIndex + 1]!) : undefined;
const optionValues = new Set([outIndex, backendIndex, eachIndex].filter((i) => i >= 0).map((i) => i + 1));
const catalogue = args.includes('--catalogue');
const dir = args.find((a, i) => !a.startsWith('--') && !optionValues.has(i));
if (!['auto', 'wasm', 'tensorflow', 'cpu'].includes(backend ?? '')) {
  process.stdout.write(`${JSON.stringify({ error: { code: 'bad_request', message: `--backend: "${backend}" is not one of auto, wasm, tensorflow, cpu` } })}\n`);
  process.exit(2);
}
if (!dir) {
  process.stdout.write(`${JSON.stringify({ error: { code: 'bad_request', message: 'usage: npm run bench:tryon -- DIR (with DIR/human and DIR/cloth) [--out sheet.png]' } })}\n`);
  process.exit(2);
}
try {
  const result = await runTryOnBench(resolve(dir), sheet, { backend: backend as 'auto' | 'wasm' | 'tensorflow' | 'cpu', each, catalogue, progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  const err = asParleyError(error);
  process.stderr.write(`bench:tryon: ${err.message}\n`);
  process.stdout.write(`${JSON.stringify(err.toJSON())}\n`);
  process.exit(err.isClientError ? 2 : 1);
}
