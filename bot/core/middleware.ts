import { ParleyError } from './errors.js';
import type { TurnContext } from './turn-context.js';

/** Continues the pipeline; call it at most once. */
export type Next = () => Promise<void>;

/** The one middleware signature: run code before and after the rest of the turn by awaiting `next()`. */
export type Middleware = (ctx: TurnContext, next: Next) => Promise<void>;

/** The final step of a turn: the dialog engine or support router. */
export type TurnHandler = (ctx: TurnContext) => Promise<void>;

/**
 * Runs `middleware` in order, then `handler`. A middleware that calls `next()` twice gets a
 * `middleware_next_twice` error instead of running the rest of the turn again.
 */
export async function runMiddleware(middleware: readonly Middleware[], ctx: TurnContext, handler: TurnHandler): Promise<void> {
  const dispatch = async (index: number): Promise<void> => {
    const current = middleware[index];
    if (!current) return handler(ctx);
    let called = false;
    await current(ctx, async () => {
      if (called) throw new ParleyError('middleware_next_twice', `middleware #${index} called next() twice`);
      called = true;
      await dispatch(index + 1);
    });
  };
  await dispatch(0);
}
