import { afterAll, beforeAll, describe } from '@jest/globals';
import type { Store } from '../core/index.js';
import type { OpenedStore } from './contract/fixtures.js';
import { describeDeliveryStorage } from './contract/deliveries.js';
import { describeEvaluationStorage } from './contract/evaluations.js';
import { describeFactStorage } from './contract/facts.js';
import { describeClusterStorage } from './contract/clusters.js';
import { describeHandoffStorage } from './contract/handoffs.js';
import { describeKnowledgeStorage } from './contract/knowledge.js';
import { describePrivacyStorage } from './contract/privacy.js';
import { describeQueueStorage } from './contract/queues.js';
import { describeLeaseStorage } from './contract/leases.js';
import { describeRecordStorage } from './contract/records.js';
import { describeScopeStorage } from './contract/scopes.js';
import { describeTryOnStorage } from './contract/tryon.js';
import { describeTurnStorage } from './contract/turns.js';

export type { OpenedStore } from './contract/fixtures.js';

/**
 * The behaviour every {@link Store} implementation must have, as one jest `describe` block (SQLite and PostgreSQL
 * run the same suite). `open` is called once for the block and must return a freshly migrated, empty store; tests
 * keep their data apart with fresh ids.
 */
export function describeStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store contract: ${name}`, () => {
    let opened: OpenedStore | undefined;
    const store = (): Store => {
      if (!opened) throw new Error('store not opened');
      return opened.store;
    };
    const newConversation = (userId = 'user-1', channel = 'test') => store().createConversation({ userId, channel });

    beforeAll(async () => {
      opened = await open();
    });

    afterAll(async () => {
      await opened?.cleanup();
    });

    describeTurnStorage({ store, newConversation });
    describeQueueStorage({ store, newConversation });
    describeLeaseStorage({ store, newConversation });
    describeRecordStorage({ store, newConversation });
    describeEvaluationStorage({ store, newConversation });
    describeHandoffStorage({ store, newConversation });
    describeTryOnStorage({ store, newConversation });
    describePrivacyStorage({ store, newConversation });
    describeDeliveryStorage({ store, newConversation });
    describeScopeStorage({ store, newConversation });
    describeKnowledgeStorage({ store, newConversation });
    describeFactStorage({ store, newConversation });
    describeClusterStorage({ store, newConversation });
  });
}
