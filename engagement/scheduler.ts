import type { Logger } from '../bot/core/index.js';
import type { DeliveryPass, EngagementEngine } from './engine.js';

/** Options of {@link EngagementPasses}. */
export interface EngagementPassesOptions {
  engine: EngagementEngine;
  logger: Logger;
  /** The clock (tests). */
  now?: () => Date;
}

/**
 * The engagement pass: plans every campaign (new sends into the persisted due-sends table, `engagement_sends`), then
 * delivers the sends that are due. The server runs it as the recurring `engagement.sends` job on the shared job runner
 * (once per period across every server; see `bot/app/background.ts`); tests and operators may also call {@link pass}.
 * Passes in one process run one after another. Across processes a send is never delivered twice: each is claimed
 * under a lease before delivery, and a send a dead process claimed is taken over only once its lease expired.
 */
export class EngagementPasses {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: EngagementPassesOptions) {}

  /**
   * One full pass, started after any pass already running in this process. With `signal` (the job's), delivery stops
   * at the next send once it is aborted: the sends it claimed but did not deliver are taken over after their lease.
   * Rejects when the store fails (the job runner records the failed period; the next period tries again).
   */
  pass(options: { signal?: AbortSignal } = {}): Promise<DeliveryPass> {
    const run = this.last.then(() => this.run(options.signal));
    this.last = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the passes started so far finished. */
  async idle(): Promise<void> {
    await this.last;
  }

  private async run(signal: AbortSignal | undefined): Promise<DeliveryPass> {
    const now = this.options.now?.() ?? new Date();
    await this.options.engine.planAll(now);
    const pass = await this.options.engine.deliverDue({ now, ...(signal ? { signal } : {}) });
    if (pass.queued || pass.failed) this.options.logger.info({ ...pass }, 'engagement sends delivered');
    return pass;
  }
}
