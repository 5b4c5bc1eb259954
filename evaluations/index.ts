/** Public interface of evaluations: benchmarks on public datasets and synthetic corpora. */
export { OUT_OF_SCOPE, readLabelledTexts, type LabelledText } from './bench/datasets.js';
export { runIndexBench, syntheticTickets, type IndexBenchResult } from './bench/index-bench.js';
export { runIntentBench, scoreIntents, tuneThreshold, type IntentBenchResult, type IntentScores } from './bench/intents.js';
export { percentile, peakRssMb } from './bench/measure.js';
export { readAnswerRows, rougeL, runAnswerBench, type AnswerBenchResult, type AnswerRow } from './answers/bench.js';
export { leakIn, readRedTeamPrompts, runRedTeam, type RedTeamPrompt, type RedTeamResult } from './redteam/run.js';
