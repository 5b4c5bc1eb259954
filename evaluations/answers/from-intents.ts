import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readLabelledTexts } from '../bench/datasets.js';

/** The reference answer of an intent in a dataset without answers: one canonical answer per intent. */
export function intentAnswer(intent: string): string {
  return `Here is our team's answer about ${intent.replace(/_/g, ' ')}.`;
}

/** A ticket-shaped row of an intent dataset: the text, the intent's canonical answer and the intent. */
export interface IntentAnswerRow {
  question: string;
  answer: string;
  intent: string;
}

/**
 * Turns labelled texts (an intent dataset such as Banking77; `keys` picks the parts of a JSON dataset such as
 * CLINC150) into ticket rows for `parley bench answers`; `every` keeps every n-th row.
 */
export async function answerRowsFromIntents(path: string, every = 1, keys?: readonly string[]): Promise<IntentAnswerRow[]> {
  const rows = await readLabelledTexts(path, keys);
  return rows.filter((_, i) => i % every === 0).map((row) => ({ question: row.text, answer: intentAnswer(row.label), intent: row.label }));
}

// `node dist/evaluations/answers/from-intents.js IN OUT [EVERY] [KEYS]`: writes IN's rows as JSONL answer rows.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [input, output, every, keys] = process.argv.slice(2);
  if (!input || !output) {
    process.stderr.write('usage: from-intents.js IN.csv|IN.json OUT.jsonl [EVERY] [KEY,KEY…]\n');
    process.exit(2);
  }
  const rows = await answerRowsFromIntents(input, every ? Number(every) : 1, keys ? keys.split(',') : undefined);
  await writeFile(output, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  process.stderr.write(`${rows.length} rows → ${output}\n`);
}
