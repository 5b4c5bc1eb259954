import { silentLogger, type Logger } from '../../bot/core/index.js';

/** Something run periodically by the {@link HandoffScheduler}. */
export interface Periodic {
  readonly name: string;
  run(): Promise<unknown>;
}

/**
 * Runs the handoff's periodic work (reminders and claim timeouts, webhook retries) on an unref'd timer; passes
 * never overlap and a failing task is logged, never thrown.
 */
export class HandoffScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly tasks: Periodic[], private readonly options: { intervalMs?: number; logger?: Logger } = {}) {}

  /** Runs a pass now and then every `intervalMs` (default 30 s). */
  start(): this {
    void this.pass();
    this.timer = setInterval(() => void this.pass(), this.options.intervalMs ?? 30_000);
    this.timer.unref();
    return this;
  }

  /** One pass over every task. */
  pass(): Promise<void> {
    this.running ??= (async () => {
      for (const task of this.tasks) {
        try {
          await task.run();
        } catch (error) {
          (this.options.logger ?? silentLogger).warn({ err: error, task: task.name }, 'handoff task failed');
        }
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and waits for a running pass. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
