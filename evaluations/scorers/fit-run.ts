/**
 * `node dist/evaluations/scorers/fit-run.js [labelled.jsonl] [--errors]`: prints how well the answer scorer's fit
 * separates right from wrong answers, as JSON `{"n", "right", "wrong", "auroc", "byKind"}`, by default for the bundled
 * `evaluations/scorers/answer-fit.jsonl` (`answer-fit-blind.jsonl` is the held-out half). `--errors` lists, on stderr,
 * the wrong answers that fit best and the right ones that fit worst.
 */
import { packageFile } from '../../bot/core/index.js';
import { answerFit } from './fit.js';
import { measureAnswerFit, readLabelledAnswers } from './fit-set.js';

/** The bundled labelled set (the half the scorer may be tuned on). */
export const ANSWER_FIT_PATH = packageFile('evaluations', 'scorers', 'answer-fit.jsonl');

async function main(argv: string[]): Promise<void> {
  const path = argv.find((a) => !a.startsWith('--')) ?? ANSWER_FIT_PATH;
  const rows = await readLabelledAnswers(path);
  console.log(JSON.stringify(measureAnswerFit(rows)));
  if (argv.includes('--errors')) {
    const scored = rows.map((row) => ({ row, fit: answerFit(row.question, row.answer, [row.source]) }));
    const worst = [...scored.filter((s) => s.row.label === 'wrong').sort((a, b) => b.fit.fit - a.fit.fit).slice(0, 15), ...scored.filter((s) => s.row.label === 'right').sort((a, b) => a.fit.fit - b.fit.fit).slice(0, 15)];
    for (const { row, fit } of worst) console.error(`${row.label.padEnd(5)} ${fit.fit.toFixed(3)} ${row.id} ${JSON.stringify(fit)} Q: ${row.question} | S: ${row.source.question}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
