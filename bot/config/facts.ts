import { resolve } from 'node:path';
import { z } from 'zod';
import { parseEnv } from './parse-env.js';

/** Where the operator's facts file is (README "Answers: slots and facts"). */
export interface FactsConfig {
  /**
   * A YAML or JSON file of operator facts (support phone, hours, website, policies) that fill answers' slots, with
   * optional per-scope facts under `scopes`; `PARLEY_FACTS_FILE`, default none. Facts set with `parley facts set` win.
   */
  factsFile: string | undefined;
}

/** The environment variables of operator facts (`PARLEY_FACTS_FILE`). */
export const FactsEnv = z.object({
  PARLEY_FACTS_FILE: z
    .string()
    .trim()
    .regex(/\.(?:ya?ml|json)$/i, 'must be the path of a .yaml, .yml or .json file')
    .optional(),
});

/** Reads {@link FactsConfig} from `env`; `config_invalid` naming the bad variable. */
export function readFactsConfig(env: NodeJS.ProcessEnv): FactsConfig {
  const data = parseEnv(FactsEnv, env);
  const file = data.PARLEY_FACTS_FILE;
  return { factsFile: file ? resolve(file) : undefined };
}
