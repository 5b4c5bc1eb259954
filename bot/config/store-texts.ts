import { z } from 'zod';
import { parseEnv } from './parse-env.js';

/**
 * What the assistant says about the store it serves (docs/answers.md "The store's own texts"): unset, the bundled
 * sample store's texts apply while `PARLEY_SAMPLE_DATA` is on, and neutral ones otherwise.
 */
export interface StoreTextsConfig {
  /** One sentence on what the assistant helps with, in greetings and refusals; `PARLEY_HELP_TEXT`, default none. */
  helpText: string | undefined;
  /** Quick replies offered with a greeting or a refusal; `PARLEY_TOPICS` (separated by `|`), default none. */
  topics: string[] | undefined;
}

/** Most quick replies a greeting offers, and the longest one (characters). */
export const MAX_TOPICS = 8;
export const MAX_TOPIC_LENGTH = 80;

/** The environment variables of the store's own texts. */
export const StoreTextsEnv = z.object({
  PARLEY_HELP_TEXT: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
  PARLEY_TOPICS: z
    .string()
    .optional()
    .transform((value) => (value === undefined ? undefined : value.split('|').map((topic) => topic.trim())))
    .pipe(
      z
        .array(z.string().min(1, 'must not hold an empty topic (two `|` in a row)').max(MAX_TOPIC_LENGTH, `a topic has at most ${MAX_TOPIC_LENGTH} characters`))
        .min(1)
        .max(MAX_TOPICS, `must list at most ${MAX_TOPICS} topics`)
        .optional(),
    ),
});

/** Reads {@link StoreTextsConfig} from `env`; `config_invalid` naming the bad variable. */
export function readStoreTextsConfig(env: NodeJS.ProcessEnv): StoreTextsConfig {
  const e = parseEnv(StoreTextsEnv, env);
  return { helpText: e.PARLEY_HELP_TEXT, topics: e.PARLEY_TOPICS };
}
