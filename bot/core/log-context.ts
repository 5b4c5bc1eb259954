import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log entry written inside a {@link withLogContext} call carries (e.g. `turnId`, `requestId`). */
export type LogContext = Readonly<Record<string, string>>;

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `fields` added to the log context of everything it does, awaited work included. */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/** The log context of the running code (empty outside {@link withLogContext}). */
export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}
