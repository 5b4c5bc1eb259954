import type { Logger } from '../bot/core/index.js';
import type { DeliveryPass, EngagementEngine } from './engine.js';

/**
 * What runs engagement in the background: the trigger pass (schedules new sends) and the delivery of due sends. The
 * due sends live in a persisted table (`engagement_sends`), so any runner can take them over: today
 * {@link DueSendLoop}, later the shared job runner (DESIGN.md "Background work").
 */
export interface EngagementScheduler {
  start(): this;
  /** One pass now: plan every campaign, then deliver what is due. */
  pass(): Promise<DeliveryPass | undefined>;
  stop(): Promise<void>;
}

/** Options of {@link DueSendLoop}. */
export interface DueSendLoopOptions {
  engine: EngagementEngine;
  logger: Logger;
  /** Time between passes (ms); `PARLEY_ENGAGE_INTERVAL_SECONDS`, default 60 s. */
  intervalMs?: number;
  /** The clock (tests). */
  now?: () => Date;
}

/** A small in-process loop over the due-sends table: plans every campaign and delivers due sends, one pass at a time. */
export class DueSendLoop implements EngagementScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<DeliveryPass | undefined> | undefined;

  constructor(private readonly options: DueSendLoopOptions) {}

  start(): this {
    this.timer = setInterval(() => void this.pass(), this.options.intervalMs ?? 60_000);
    this.timer.unref();
    return this;
  }

  pass(): Promise<DeliveryPass | undefined> {
    // A failing pass (the database went away) is logged and retried next time; it never rejects into a timer.
    this.running ??= this.run()
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'engagement pass failed');
        return undefined;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<DeliveryPass> {
    const now = this.options.now?.() ?? new Date();
    await this.options.engine.planAll(now);
    const pass = await this.options.engine.deliverDue({ now });
    if (pass.queued || pass.failed) this.options.logger.info({ ...pass }, 'engagement sends delivered');
    return pass;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
