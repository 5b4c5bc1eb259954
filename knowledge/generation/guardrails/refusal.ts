import type { InjectionKind } from './injection.js';

/**
 * A refusal that still helps: says briefly what Parley will not do (without lecturing or repeating the attack) and
 * what it can do instead: `help`, the store's sentence on what the assistant helps with (its `StoreProfile`).
 */
export function helpfulRefusal(kind: InjectionKind | undefined, help: string): string {
  switch (kind) {
    case 'system_prompt':
      return `I can't share how I'm set up, but I'm happy to help with your question. ${help}`;
    case 'other_customers':
      return `I can only help with your own orders and account — I can't look up or share anyone else's details. ${help} For your own order, tell me the order number.`;
    case 'unsafe':
      return `I can't help with that. ${help}`;
    case 'exfiltration':
      return `I can't do that — and we never ask for passwords or card security codes in chat. ${help}`;
    default:
      return `I can't change how I work, but I'm glad to help with anything about your shopping. ${help} What would you like to know?`;
  }
}
