import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { ParleyError, silentLogger } from '../../bot/core/index.js';
import { readTicketsFile } from '../../knowledge/index.js';
import type { StoryTarget } from './runner.js';

/** Options of {@link withStoryTarget}. */
export interface StoryTargetOptions {
  /** Environment for the configuration (thresholds, handoff settings); default: the process environment (read by bot/config). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Tickets file to answer from instead of the bundled sample tickets. */
  tickets?: string | undefined;
}

/**
 * Runs `work` against an isolated, in-process Parley: a temporary SQLite home (never the configured store or
 * database), with the bundled sample tickets or `tickets`; removed afterwards.
 */
export async function withStoryTarget<T>(options: StoryTargetOptions, work: (target: StoryTarget) => Promise<T>): Promise<T> {
  const home = await mkdtemp(join(tmpdir(), 'parley-stories-'));
  try {
    const config = loadConfig(options.env, { home, databaseUrl: undefined, qdrantUrl: undefined, sampleData: !options.tickets });
    const parley = await createParley(config, { logger: silentLogger });
    try {
      if (options.tickets) {
        const tickets = await readTicketsFile(options.tickets);
        if (tickets.length === 0) throw new ParleyError('bad_request', `--tickets: ${options.tickets} holds no tickets`);
        await parley.knowledge.ingest(tickets);
        await parley.knowledge.clusters?.settled();
      }
      return await work({
        bot: parley.bot,
        store: parley.store,
        ticket: (id) => parley.knowledge.get(id),
        async score(conversationId) {
          const conversation = await parley.store.getConversation(conversationId);
          if (!conversation) throw new ParleyError('conversation_not_found', `conversation ${conversationId} does not exist`);
          return parley.scorer.score(conversation);
        },
      });
    } finally {
      await parley.close();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
