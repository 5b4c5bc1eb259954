/** Public interface of evaluations: conversation scorers, reports, story tests, the CX dashboard, and benchmarks. */
export { OUT_OF_SCOPE, readLabelledTexts, type LabelledText } from './bench/datasets.js';
export { runIndexBench, syntheticTickets, type IndexBenchResult } from './bench/index-bench.js';
export { runIntentBench, scoreIntents, tuneThreshold, type IntentBenchResult, type IntentScores } from './bench/intents.js';
export { percentile, peakRssMb } from './bench/measure.js';
export { assessHandoff, repeatedQuestions } from './scorers/handoff.js';
export { evidenceOf, questionOf, scoreAnswers } from './scorers/answers.js';
export { CORRECTIONS_SOURCE, ConversationScorer, type ConversationScorerOptions } from './scorers/job.js';
export { JUDGE_INSTRUCTIONS, judgeConversation, judgePrompt, type JudgeVerdict } from './scorers/judge.js';
export { FLAGS, overallScore, scoreConversationOffline, toConversationScore, type OfflineScores } from './scorers/score.js';
export { TranscriptBuilder, type BotLine } from './scorers/transcript-builder.js';
export { DEFAULT_SCORER_OPTIONS, type AnswerScore, type HandoffAssessment, type ScorerInput, type ScorerOptions } from './scorers/types.js';
export { allCharts, escapeHtml, formatValue, lineChart } from './report/charts.js';
export { buildReport, flagCounts, renderReport } from './report/html.js';
export { dailyFigures, figures, SERIES, type DailyFigures, type QualityFigures, type SeriesKey } from './report/trends.js';
export { withStoryTarget, type StoryTargetOptions } from './stories/isolated.js';
export { toJUnit } from './stories/junit.js';
export { formatFailure, runStories, runStory, summarize, type StoryFailure, type StoryResult, type StoryTarget } from './stories/runner.js';
export { loadStories, parseStories, storyFiles, type BotExpectation, type Story, type StoryStep } from './stories/story.js';
