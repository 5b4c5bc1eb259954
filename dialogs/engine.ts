import type { TurnContext, TurnHandler } from '../bot/core/index.js';

/** Returned by {@link Dialog.continue} when the message is not for this dialog: it ends and the router takes over. */
export const UNHANDLED = Symbol('unhandled');

/**
 * A multi-turn conversation step (a prompt, a clarification, a form). `begin` and `continue` return the state to
 * keep while waiting for the customer's next message, or `undefined` when the dialog is done.
 */
export interface Dialog<S = unknown, A = unknown> {
  readonly id: string;
  begin(ctx: TurnContext, args: A): Promise<S | undefined>;
  continue(ctx: TurnContext, state: S): Promise<S | undefined | typeof UNHANDLED>;
}

/** A dialog of any state and argument types (the engine only stores and passes them through). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDialog = Dialog<any, any>;

/** One active dialog on the persisted stack. */
export interface DialogFrame {
  dialogId: string;
  state: unknown;
}

interface StackState {
  stack: DialogFrame[];
}

const STACK_KEY = 'dialogs.stack';

/**
 * Handles a message before any active dialog sees it (like botbuilder's interruptions: "talk to a person" in the middle
 * of a form). Resolves to true when it handled the turn; the active dialogs are then ended.
 */
export type Interruption = (ctx: TurnContext) => Promise<boolean>;

/** Options of {@link DialogEngine}. */
export interface DialogEngineOptions {
  /** Runs first on every turn; none by default. */
  interrupt?: Interruption;
}

/**
 * Runs dialogs from a stack persisted in the store (so a waiting dialog survives restarts and deploys). With no active
 * dialog, or when the active one does not handle the message, the fallback handler (the support router) runs.
 */
export class DialogEngine {
  private readonly dialogs = new Map<string, AnyDialog>();

  constructor(
    dialogs: readonly AnyDialog[],
    private readonly fallback: TurnHandler,
    private readonly options: DialogEngineOptions = {},
  ) {
    for (const dialog of dialogs) this.dialogs.set(dialog.id, dialog);
  }

  /** The turn handler to give the {@link Bot}. */
  readonly handler: TurnHandler = async (ctx) => {
    const stack = await this.loadStack(ctx);
    // The stack as loaded: a turn that leaves it as it was (most turns: no dialog before or after) writes nothing.
    const loaded = JSON.stringify(stack);
    const save = () => {
      if (JSON.stringify(stack) !== loaded) ctx.saveDialogState({ stack } satisfies StackState);
    };
    ctx.turnState.set(STACK_KEY, stack);
    if (this.options.interrupt && (await this.options.interrupt(ctx))) {
      stack.splice(0);
      save();
      return;
    }
    const top = stack.at(-1);
    const dialog = top && this.dialogs.get(top.dialogId);
    let handled = false;
    if (top && dialog) {
      const next = await dialog.continue(ctx, top.state);
      if (next === UNHANDLED || next === undefined) stack.pop();
      else top.state = next;
      handled = next !== UNHANDLED;
    } else if (top) {
      stack.pop(); // a dialog removed in a deploy: drop its frame
    }
    if (!handled) await this.fallback(ctx);
    // Stored with the turn's completion (one transaction), see TurnContext.saveDialogState.
    save();
  };

  /** Starts `dialogId` in this turn; it receives the customer's next message when it waits for one. */
  async begin<A>(ctx: TurnContext, dialogId: string, args: A): Promise<void> {
    const dialog = this.dialogs.get(dialogId);
    if (!dialog) throw new Error(`unknown dialog ${dialogId}`);
    const state = await dialog.begin(ctx, args);
    if (state === undefined) return;
    const stack = (ctx.turnState.get(STACK_KEY) as DialogFrame[] | undefined) ?? (await this.loadStack(ctx));
    stack.push({ dialogId, state });
    ctx.turnState.set(STACK_KEY, stack);
  }

  /** Ends every active dialog of the conversation (e.g. on handoff). */
  cancelAll(ctx: TurnContext): void {
    const stack = ctx.turnState.get(STACK_KEY) as DialogFrame[] | undefined;
    stack?.splice(0);
  }

  private async loadStack(ctx: TurnContext): Promise<DialogFrame[]> {
    const saved = (await ctx.store.getDialogState(ctx.conversation.id)) as StackState | undefined;
    return Array.isArray(saved?.stack) ? saved.stack : [];
  }
}
