/**
 * `node dist/evaluations/pii/run.js [labelled.jsonl] [--errors]`: prints the PII redaction figures ({@link measurePii})
 * as JSON, by default for the bundled `evaluations/pii/labelled.jsonl`. `--errors` also lists misses and false
 * positives on stderr, one per line.
 */
import { packageFile } from '../../bot/core/index.js';
import { listErrors, measurePii, readLabelled } from './measure.js';

/** The bundled labelled set. */
export const LABELLED_PATH = packageFile('evaluations', 'pii', 'labelled.jsonl');

async function main(argv: string[]): Promise<void> {
  const path = argv.find((a) => !a.startsWith('--')) ?? LABELLED_PATH;
  const rows = await readLabelled(path);
  console.log(JSON.stringify(measurePii(rows)));
  if (argv.includes('--errors')) {
    for (const e of listErrors(rows)) console.error(`${e.type === 'miss' ? 'MISS' : 'FP  '} ${e.kind} ${JSON.stringify(e.value)} in ${JSON.stringify(e.text)}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
