import { z } from 'zod';
import { parseEnv } from './parse-env.js';

/** How fast tickets written by other processes reach this one (README "Live knowledge updates"). */
export interface LiveKnowledgeConfig {
  /**
   * Time between two reads of the store's ticket change counter when polling is the only signal (SQLite without
   * `REDIS_URL`); `PARLEY_KNOWLEDGE_POLL_MS`, default 1,000.
   */
  pollMs: number;
  /**
   * The same beside a push signal (PostgreSQL LISTEN/NOTIFY or Redis pub/sub), as a safety net for lost
   * notifications; `PARLEY_KNOWLEDGE_FALLBACK_POLL_MS`, default 2,000.
   */
  fallbackPollMs: number;
}

const interval = (fallback: number) => z.coerce.number().int().min(100, 'must be at least 100 (ms)').max(60_000, 'must be at most 60000 (ms)').default(fallback);

/** The environment variables of live knowledge updates. */
export const LiveKnowledgeEnv = z.object({
  PARLEY_KNOWLEDGE_POLL_MS: interval(1_000),
  PARLEY_KNOWLEDGE_FALLBACK_POLL_MS: interval(2_000),
});

/** Reads {@link LiveKnowledgeConfig} from `env`; `config_invalid` naming each bad variable. */
export function readLiveKnowledgeConfig(env: NodeJS.ProcessEnv): LiveKnowledgeConfig {
  const data = parseEnv(LiveKnowledgeEnv, env);
  return { pollMs: data.PARLEY_KNOWLEDGE_POLL_MS, fallbackPollMs: data.PARLEY_KNOWLEDGE_FALLBACK_POLL_MS };
}
