import { newId, type Activity, type Role, type Store, type TicketRecord } from '../../core/index.js';

/** An opened store plus how to throw it away after the tests. */
export interface OpenedStore {
  store: Store;
  cleanup(): Promise<void>;
}

/** A customer (or other role) message activity in `conversationId`; `overrides` replace any field. */
export function message(conversationId: string, text: string, overrides: Partial<Activity> & { role?: Role } = {}): Activity {
  const { role = 'customer', ...rest } = overrides;
  const id = newId('act');
  return {
    id,
    type: 'message',
    channel: 'test',
    channelMessageId: id,
    conversationId,
    from: { id: role === 'customer' ? 'user-1' : 'parley', role },
    text,
    timestamp: new Date().toISOString(),
    ...rest,
  };
}

export function ticket(id: string, source: string, overrides: Partial<TicketRecord> = {}): TicketRecord {
  return { id, question: `question ${id}?`, answer: `answer ${id}.`, source, metadata: {}, ...overrides };
}

/** Resolves to the error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** What each part of the contract gets: the store under test and a way to start a conversation in it. */
export interface ContractContext {
  store(): Store;
  newConversation(userId?: string, channel?: string): ReturnType<Store['createConversation']>;
}
