import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../bot/storage/index.js';
import { describeLiveKnowledge } from './live-knowledge-suite.js';

describeLiveKnowledge('two instances on one SQLite file', async () => {
  const home = await mkdtemp(join(tmpdir(), 'parley-live-'));
  const stores = [await openStore({ home }), await openStore({ home })] as const;
  return {
    stores: [stores[0], stores[1]],
    async cleanup() {
      await stores[0].close();
      await stores[1].close();
      await rm(home, { recursive: true, force: true });
    },
  };
});
