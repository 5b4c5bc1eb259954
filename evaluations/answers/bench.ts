import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { newId, silentLogger, type Activity, type TicketRecord } from '../../bot/core/index.js';
import { DECISION_KEY, HANDOFF_ASSESSMENT_KEY, RETRIEVAL_KEY, type Decision, type TurnAssessment } from '../../dialogs/index.js';
import { scopeFilter, stripMarkers, type Hit, type Retrieval } from '../../knowledge/index.js';
import { percentile } from '../bench/measure.js';
import { BASELINE_MODEL, tfidfBaseline } from './baseline.js';
import { expectedOf, foldsOf, intentOf, knowledgeOf, toQuestions, type BenchQuestion, type RowOptions } from './rows.js';
import { decidedByOf, stagesOf, type StageFigures, type TurnTrace } from './stages.js';
import { figuresOf, leaksPlaceholder, round, rougeL, type AnswerFigures, type QuestionOutcome } from './scoring.js';

/** Options of {@link runAnswerBench}. */
export interface AnswerBenchOptions extends RowOptions {
  /** K-fold cross-validation over the tickets when no test rows are given; default 5. */
  folds?: number;
  /** Configuration (precision target, thresholds, chat model); default: the process environment (read by bot/config). */
  env?: NodeJS.ProcessEnv;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

/** What `parley bench answers` prints. */
export interface AnswerBenchResult extends AnswerFigures {
  /** Share of questions answered with a cited answer. */
  groundedRate: number;
  /** Share of questions with an intent answered from a ticket of that intent (`null` when no question has one). */
  intentMatch: number | null;
  /** Mean ROUGE-L F1 between the reply (citation markers removed) and the reference answer. */
  rougeL: number;
  /** Latency of the whole turn. */
  p50Ms: number;
  p95Ms: number;
  /** Folds of the cross-validation (`null` with a test file). */
  folds: number | null;
  targetPrecision: number;
  /** The answer threshold each split's knowledge selected for the target (`null`: too few held-out outcomes, the configured one applied). */
  answerThresholds: (number | null)[];
  baseline: AnswerFigures & { model: string };
  /** Questions by the stage that decided their turn (see {@link decidedByOf}). */
  decidedBy: Record<string, StageFigures>;
}

/** One bench question's outcome through the bot, with the extra figures of the existing output. */
interface AskedOutcome extends QuestionOutcome {
  grounded: boolean;
  intentMatch: boolean | null;
  rouge: number;
  ms: number;
  decidedBy: string;
  /** Retrieval's first hit has the expected value (run outside the turn when the turn did not retrieve). */
  retrievalRight: boolean;
}

const hasExpected = (ticket: TicketRecord | undefined, question: BenchQuestion, expect: string | undefined) =>
  ticket !== undefined && expectedOf(ticket, expect).some((value) => question.expected.includes(value));



async function ask(parley: Parley, question: BenchQuestion, traces: Map<string, TurnTrace>): Promise<{ replies: Activity[]; trace: TurnTrace }> {
  const conversation = await parley.store.createConversation({ userId: 'bench', channel: 'bench', ...(question.scope ? { scope: question.scope } : {}) });
  const activity: Activity = { id: newId('act'), type: 'message', channel: 'bench', conversationId: conversation.id, from: { id: 'bench', role: 'customer' }, text: question.question, timestamp: new Date().toISOString() };
  const { replies } = await parley.bot.processActivity(activity, { send: async () => undefined });
  const trace = traces.get(activity.id) ?? {};
  traces.delete(activity.id);
  return { replies, trace };
}

/** Scores one turn's replies against the question. */
function outcomeOf(question: BenchQuestion, replies: readonly Activity[], trace: TurnTrace, tickets: Map<string, TicketRecord>, expect: string | undefined, ms: number, retrievalTop: string | undefined): AskedOutcome {
  const last = replies.at(-1);
  const action = last?.action ?? 'handoff';
  const first = last?.sources?.[0] ? tickets.get(last.sources[0].id) : undefined;
  const answered = action === 'answer' && (last?.sources?.length ?? 0) > 0;
  const options: Hit[] = trace.decision?.action === 'clarify' ? trace.decision.options : (trace.retrieval?.hits.slice(0, 3) ?? []);
  const cited = replies.filter((r) => r.action === 'answer').flatMap((r) => r.sources ?? []);
  const top = trace.retrieval?.hits[0]?.ticket;
  const intent = first ? intentOf(first) : undefined;
  return {
    action,
    right: answered && hasExpected(first, question, expect),
    clarifyHit: action === 'clarify' && options.some((hit) => hasExpected(tickets.get(hit.ticket.id), question, expect)),
    crossScope: question.scope !== undefined && cited.some((source) => {
      const scope = tickets.get(source.id)?.scope;
      return scope !== undefined && scope !== question.scope;
    }),
    placeholderLeak: replies.some((r) => leaksPlaceholder(r.text)),
    confidence: trace.retrieval?.confidence ?? 0,
    topRight: hasExpected(top ? tickets.get(top.id) : undefined, question, expect),
    grounded: answered,
    intentMatch: question.intent ? answered && intent === question.intent : null,
    rouge: rougeL(stripMarkers(last?.text ?? ''), question.answer),
    ms,
    decidedBy: decidedByOf(trace, last),
    retrievalRight: hasExpected(retrievalTop ? tickets.get(retrievalTop) : undefined, question, expect),
  };
}

/**
 * One split: ingests `train` into an isolated temporary store, asks every question through the bot (the `POST
 * /api/chat` path: retrieval, generator, policy, with the conversation's scope) and answers them with the baseline.
 */
async function runSplit(train: readonly TicketRecord[], questions: readonly BenchQuestion[], options: AnswerBenchOptions): Promise<{ asked: AskedOutcome[]; baseline: QuestionOutcome[]; threshold: number | null }> {
  const home = await mkdtemp(join(tmpdir(), 'parley-answers-'));
  const config = loadConfig(options.env, { home, sampleData: false });
  const parley = await createParley(config, { logger: silentLogger });
  try {
    const traces = new Map<string, TurnTrace>();
    parley.bot.use(async (ctx, next) => {
      await next();
      const assessed = ctx.turnState.get(HANDOFF_ASSESSMENT_KEY) as { turn: TurnAssessment } | undefined;
      traces.set(ctx.activity.id, {
        retrieval: ctx.turnState.get(RETRIEVAL_KEY) as Retrieval | undefined,
        decision: ctx.turnState.get(DECISION_KEY) as Decision | undefined,
        ...(assessed ? { assessment: assessed.turn } : {}),
      });
    });
    await parley.knowledge.ingest(knowledgeOf(train, options));
    // Answer clusters are computed in the background after an ingest; a running server has them before its first questions.
    await parley.knowledge.clusters?.settled();
    const tickets = new Map(train.map((t) => [t.id, t]));
    const asked: AskedOutcome[] = [];
    let threshold: number | null = null;
    for (const question of questions) {
      const started = performance.now();
      const { replies, trace } = await ask(parley, question, traces);
      const ms = performance.now() - started;
      // A turn a stage decided before retrieval: what retrieval alone would have put first (for the stage breakdown).
      const filter = scopeFilter(question.scope);
      const retrievalTop = trace.retrieval ? trace.retrieval.hits[0]?.ticket.id : (await parley.knowledge.retrieve(question.question, { k: 1, mode: 'hybrid', ...(filter ? { filter } : {}) })).hits[0]?.ticket.id;
      asked.push(outcomeOf(question, replies, trace, tickets, options.expect, ms, retrievalTop));
      threshold ??= trace.retrieval?.answerThreshold ?? null;
    }
    const baseline = await tfidfBaseline(train, questions, {
      targetPrecision: config.targetPrecision,
      fallbackThreshold: config.answerThreshold,
      expectedOf: (ticket) => expectedOf(ticket, options.expect),
    });
    return { asked, baseline, threshold };
  } finally {
    await parley.close();
    await rm(home, { recursive: true, force: true });
  }
}


/**
 * `parley bench answers`: answer quality of the whole answer path on tickets and test questions, or with K-fold
 * cross-validation over the tickets when `test` is undefined (the other folds are the knowledge; each split selects
 * its answer threshold on its own tickets only). Prints the contract's figures, the TF-IDF baseline's, and the
 * grounding, intent-match, ROUGE-L and latency figures.
 */
export async function runAnswerBench(tickets: readonly TicketRecord[], test: readonly TicketRecord[] | undefined, options: AnswerBenchOptions = {}): Promise<AnswerBenchResult> {
  const log = options.log ?? (() => undefined);
  const splits = test ? [{ train: [...tickets], test: [...test] }] : foldsOf(tickets, options.folds ?? 5);
  const asked: AskedOutcome[] = [];
  const baseline: QuestionOutcome[] = [];
  const answerThresholds: (number | null)[] = [];
  for (const [i, split] of splits.entries()) {
    const questions = toQuestions(split.test, options, test ? '--test' : '--tickets');
    const result = await runSplit(split.train, questions, options);
    asked.push(...result.asked);
    baseline.push(...result.baseline);
    answerThresholds.push(result.threshold === null ? null : round(result.threshold));
    const figures = figuresOf(result.asked);
    log(`split ${i + 1}/${splits.length}: ${questions.length} questions, ${split.train.length} tickets, threshold ${result.threshold ?? 'configured'}, coverage ${figures.coverage}, precision ${figures.precision}`);
  }
  const withIntent = asked.filter((o) => o.intentMatch !== null);
  const times = asked.map((o) => o.ms);
  return {
    ...figuresOf(asked),
    groundedRate: round(asked.filter((o) => o.grounded).length / Math.max(1, asked.length)),
    intentMatch: withIntent.length ? round(withIntent.filter((o) => o.intentMatch).length / withIntent.length) : null,
    rougeL: round(asked.reduce((sum, o) => sum + o.rouge, 0) / Math.max(1, asked.length)),
    p50Ms: round(percentile(times, 50)),
    p95Ms: round(percentile(times, 95)),
    folds: test ? null : splits.length,
    targetPrecision: loadConfig(options.env).targetPrecision,
    answerThresholds,
    baseline: { ...figuresOf(baseline), model: BASELINE_MODEL },
    decidedBy: stagesOf(asked),
  };
}
