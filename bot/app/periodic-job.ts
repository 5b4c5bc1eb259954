import type { Logger } from '../core/index.js';

/** Options of {@link PeriodicJob}. */
export interface PeriodicJobOptions<T> {
  /** One pass of the work. */
  run: () => Promise<T>;
  /** Time between two passes (ms). */
  intervalMs: number;
  logger: Logger;
  /** What the log says when a pass fails (the next pass tries again). */
  failure: string;
}

/**
 * Work the server repeats in process (maintenance, helpdesk sync, knowledge refits): once at start, then every
 * `intervalMs` on an unref'd timer (it never keeps the process alive). Passes never overlap (a turn that comes while
 * one runs is skipped, a `pass()` call joins it), and a failed pass is logged, never thrown.
 */
export class PeriodicJob<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;

  constructor(private readonly options: PeriodicJobOptions<T>) {}

  /** Runs a pass now (unless `now` is false) and then every `intervalMs`. */
  start({ now = true }: { now?: boolean } = {}): this {
    if (now) this.passLogged();
    this.timer = setInterval(() => this.passLogged(), this.options.intervalMs);
    this.timer.unref();
    return this;
  }

  /** One pass; a call while a pass runs returns that pass. */
  pass(): Promise<T> {
    this.running ??= this.options.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and waits for a running pass (call before closing the store). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private passLogged(): void {
    if (this.running) return;
    this.pass().catch((error: unknown) => this.options.logger.warn({ err: error }, this.options.failure));
  }
}
