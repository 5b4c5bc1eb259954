/**
 * Public interface of evaluations: conversation scorers, reports, story tests, the CX dashboard, and the benchmarks that
 * need no running Parley. The composition root imports this entry; the runs that open a Parley of their own are in
 * `in-process.ts` (imported by the CLI only), so that no import cycle runs through the composition root.
 */
export { OUT_OF_SCOPE, readLabelledTexts, type LabelledText } from './bench/datasets.js';
export { runIndexBench, syntheticCorpus, syntheticTickets, type IndexBenchOptions, type IndexBenchResult, type SyntheticCorpus } from './bench/index-bench.js';
export { percentile, peakRssMb } from './bench/measure.js';
export { expectedOf, foldsOf, knowledgeOf, readBenchTickets, toQuestions, valueAt, type BenchQuestion, type RowOptions } from './answers/rows.js';
export { COVERAGE_PRECISIONS, figuresOf as answerFiguresOf, leaksPlaceholder, rougeL, type AnswerFigures, type QuestionOutcome } from './answers/scoring.js';
export { BASELINE_MODEL as ANSWER_BASELINE_MODEL, tfidfBaseline } from './answers/baseline.js';
export { figuresOf, foldOf, runHandoffBench, type DetectorFactory, type HandoffBenchResult, type HandoffFigures } from './handoff/bench.js';
export { BASELINE_MODEL, learnedBaseline } from './handoff/baseline.js';
export { AMBIGUOUS, customerServiceRequest, LABELLED_REQUESTS, readHandoffRows, type HandoffRow, type HandoffSetPaths } from './handoff/sets.js';
export { assessHandoff, repeatedQuestions } from './scorers/handoff.js';
export { evidenceOf, questionOf, scoreAnswers } from './scorers/answers.js';
export { ConversationScorer, type ConversationScorerOptions } from './scorers/job.js';
export { allObservers, SCORE_SOON_DELAY_MS, ScoreSoon, SCORING_QUEUE, type ScoreSoonOptions } from './scorers/score-soon.js';
export { isVisionTurn, scoreVisionTurns } from './scorers/vision.js';
export { JUDGE_INSTRUCTIONS, judgeConversation, judgePrompt, type JudgeVerdict } from './scorers/judge.js';
export { FLAGS, overallScore, scoreConversationOffline, toConversationScore, type OfflineScores } from './scorers/score.js';
export { TranscriptBuilder, type BotLine } from './scorers/transcript-builder.js';
export { DEFAULT_SCORER_OPTIONS, type AnswerScore, type HandoffAssessment, type ScorerInput, type ScorerOptions, type VisionTurnScore } from './scorers/types.js';
export { allCharts, escapeHtml, formatValue, lineChart } from './report/charts.js';
export { buildReport, flagCounts, renderReport } from './report/html.js';
export { dailyFigures, figures, SERIES, type DailyFigures, type QualityFigures, type SeriesKey } from './report/trends.js';
export { toJUnit } from './stories/junit.js';
export { formatFailure, runStories, runStory, summarize, type StoryFailure, type StoryResult, type StoryTarget } from './stories/runner.js';
export { loadStories, parseStories, storyFiles, type BotExpectation, type Story, type StoryStep } from './stories/story.js';
export { hashPassword, passwordProblem, verifyPassword } from './dashboard/passwords.js';
export { createDashboardUser, parseRole, publicUser, type PublicUser } from './dashboard/users.js';
export { canSee, listRow, parseFilters, toCsv, type FilterQuery } from './dashboard/filters.js';
export { loginPage, PAGE_HEADERS } from './dashboard/pages.js';
export { registerCampaignRoutes, type CampaignOverview, type CampaignOverviews, type CampaignSample } from './dashboard/campaigns.js';
export { requireRole, viewerOf } from './dashboard/context.js';
export { registerDashboard, type DashboardOptions, type DashboardRoute } from './dashboard/routes.js';
export { CSRF_HEADER, LOGIN_CSRF_COOKIE, readCookie, sameToken, SESSION_COOKIE, Sessions, type SessionOptions, type Viewer } from './dashboard/sessions.js';
export { converse, DashboardClient } from './dashboard/testing.js';
