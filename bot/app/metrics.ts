import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobRunner, Logger, StatementCounts, Store, TurnEnded, TurnObserver } from '../core/index.js';

/** What the metrics read when Prometheus scrapes (queue depths, the knowledge base's size and version). */
export interface MetricsSources {
  store: Pick<Store, 'queueDepths' | 'statementCounts'>;
  knowledge: { readonly size: number; readonly version: number };
  logger: Logger;
  /** The background job runner, whose queues are reported per state. */
  jobs?: Pick<JobRunner, 'counts'>;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Parley's Prometheus metrics (`GET /metrics`): turns and their latency, CPU time and pipeline stages; replies by
 * action; handoffs by reason; delivery failures per channel; chat-model tokens and cost; queue depths and ages; the
 * knowledge base; and Node's process metrics. It is the bot's {@link TurnObserver}. Labels carry channel names,
 * actions, reasons, stages and model names only — never personal data.
 */
export class ParleyMetrics implements TurnObserver {
  /** The registry `/metrics` renders (one per server, so several servers in one process do not mix). */
  readonly registry = new Registry();
  private readonly turns: Counter<'channel' | 'outcome'>;
  private readonly turnSeconds: Histogram<'channel'>;
  private readonly stageSeconds: Histogram<'stage'>;
  private readonly replies: Counter<'channel' | 'action'>;
  private readonly handoffs: Counter<'channel' | 'reason'>;
  private readonly deliveryFailures: Counter<'channel' | 'status'>;
  private readonly modelTokens: Counter<'model' | 'kind'>;
  private readonly modelCost: Counter<'model'>;
  private readonly queueDepth: Gauge<'queue'>;
  private readonly queueAge: Gauge<'queue'>;
  private readonly jobs: Gauge<'queue' | 'state'>;
  private readonly jobAge: Gauge<'queue'>;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
    this.turns = new Counter({ name: 'parley_turns_total', help: 'Turns run, by channel and outcome (done, failed).', labelNames: ['channel', 'outcome'], registers });
    this.turnSeconds = new Histogram({ name: 'parley_turn_duration_seconds', help: 'Wall-clock time of a turn.', labelNames: ['channel'], buckets: SECONDS, registers });
    this.stageSeconds = new Histogram({ name: 'parley_stage_duration_seconds', help: 'Time of a turn spent in each pipeline stage (retrieval, generation…).', labelNames: ['stage'], buckets: SECONDS, registers });
    this.replies = new Counter({ name: 'parley_replies_total', help: 'Bot replies by channel and action (answer, clarify, handoff…).', labelNames: ['channel', 'action'], registers });
    this.handoffs = new Counter({ name: 'parley_handoffs_total', help: 'Handoffs to a person, by channel and reason.', labelNames: ['channel', 'reason'], registers });
    this.deliveryFailures = new Counter({ name: 'parley_delivery_failures_total', help: 'Replies a channel did not accept, by channel and the outbox status they got.', labelNames: ['channel', 'status'], registers });
    this.modelTokens = new Counter({ name: 'parley_model_tokens_total', help: 'Chat-model tokens, by model and kind (prompt, completion).', labelNames: ['model', 'kind'], registers });
    this.modelCost = new Counter({ name: 'parley_model_cost_usd_total', help: 'Chat-model cost in US dollars, by model.', labelNames: ['model'], registers });
    this.queueDepth = new Gauge({ name: 'parley_queue_depth', help: 'Rows waiting in a durable queue (inbox: unfinished turns; outbox: undelivered replies; handoff_jobs).', labelNames: ['queue'], registers });
    this.queueAge = new Gauge({ name: 'parley_queue_oldest_age_seconds', help: 'Age of the oldest waiting row of a queue (0 when empty).', labelNames: ['queue'], registers });
    this.jobs = new Gauge({ name: 'parley_jobs', help: 'Background jobs by queue and state (waiting, delayed, running, dead: attempts exhausted).', labelNames: ['queue', 'state'], registers });
    this.jobAge = new Gauge({ name: 'parley_job_oldest_wait_seconds', help: 'How long the oldest due job of a queue has waited for a worker (0 when none).', labelNames: ['queue'], registers });
    // The store's statements and transactions (what a turn costs the database: the web chat bench divides by turns).
    const counted = (name: string, help: string, read: (counts: StatementCounts) => number) => {
      let last = 0;
      return new Counter({
        name,
        help,
        registers,
        collect() {
          const counts = sources.store.statementCounts?.();
          if (!counts) return;
          this.inc(Math.max(0, read(counts) - last));
          last = read(counts);
        },
      });
    };
    counted('parley_store_statements_total', 'SQL statements the store ran (BEGIN, COMMIT and ROLLBACK left out).', (c) => c.statements);
    counted('parley_store_transactions_total', 'Transactions the store ran (statements outside them commit on their own).', (c) => c.transactions);
    new Gauge({ name: 'parley_knowledge_tickets', help: 'Tickets the knowledge base answers from.', registers, collect() { this.set(sources.knowledge.size); } });
    new Gauge({ name: 'parley_knowledge_version', help: 'Knowledge model version answers come from.', registers, collect() { this.set(sources.knowledge.version); } });
  }

  turnEnded(turn: TurnEnded): void {
    const { channel } = turn;
    this.turns.inc({ channel, outcome: turn.outcome });
    this.turnSeconds.observe({ channel }, turn.durationMs / 1000);
    for (const [stage, ms] of turn.stages) this.stageSeconds.observe({ stage }, ms / 1000);
    for (const reply of turn.replies) {
      this.replies.inc({ channel, action: reply.action ?? 'answer' });
      if (reply.action === 'handoff') this.handoffs.inc({ channel, reason: reply.handoff?.reason ?? 'unknown' });
    }
    for (const call of turn.modelCalls) {
      this.modelTokens.inc({ model: call.model, kind: 'prompt' }, call.promptTokens);
      this.modelTokens.inc({ model: call.model, kind: 'completion' }, call.completionTokens);
      this.modelCost.inc({ model: call.model }, call.costUsd);
    }
  }

  deliveryFailed(delivery: { channel: string; status: string }): void {
    this.deliveryFailures.inc(delivery);
  }

  /** The text exposition format Prometheus scrapes, and its content type; reads the queue depths first. */
  async render(): Promise<{ contentType: string; body: string }> {
    try {
      for (const q of await this.sources.store.queueDepths()) {
        this.queueDepth.set({ queue: q.queue }, q.depth);
        this.queueAge.set({ queue: q.queue }, q.oldestAt ? Math.max(0, (Date.now() - Date.parse(q.oldestAt)) / 1000) : 0);
      }
      for (const q of (await this.sources.jobs?.counts()) ?? []) {
        for (const state of ['waiting', 'delayed', 'running', 'dead'] as const) this.jobs.set({ queue: q.queue, state }, q[state]);
        this.jobAge.set({ queue: q.queue }, q.oldestWaitingAt ? Math.max(0, (Date.now() - Date.parse(q.oldestWaitingAt)) / 1000) : 0);
      }
    } catch (error) {
      // During a database outage the other metrics still matter most; the queue gauges keep their last values.
      this.sources.logger.warn({ err: error }, 'metrics: could not read the queue depths');
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
