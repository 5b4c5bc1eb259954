/**
 * The evaluations that open a Parley of their own in-process (through the composition root's `createParley`): the
 * intent, answer, answer-cluster and specifics benchmarks, the red team and isolated story runs. A second public entry
 * beside `index.ts`, imported by the CLI only: the composition root imports `index.ts`, these import the composition
 * root, and keeping them apart keeps the project free of import cycles.
 */
export { runIntentBench, scoreIntents, tuneThreshold, type IntentBenchResult, type IntentScores } from './bench/intents.js';
export { runAnswerBench, type AnswerBenchOptions, type AnswerBenchResult } from './answers/bench.js';
export { runClusterBench, type ClusterBenchResult } from './answers/clusters.js';
export { leakedSpecifics, readSpecificsRows, runSpecificsBench, type SpecificsResult, type SpecificsRow } from './answers/specifics.js';
export { leakIn, readRedTeamPrompts, runRedTeam, type RedTeamPrompt, type RedTeamResult } from './redteam/run.js';
export { withStoryTarget, type StoryTargetOptions } from './stories/isolated.js';
