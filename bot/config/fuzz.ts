import { z } from 'zod';
import { parseEnv } from './parse-env.js';

/** Tests only: the fuzz suite's budget (`PARLEY_FUZZ_RUNS`) and seed (`PARLEY_FUZZ_SEED`, `random` for a new one). */
export const FuzzEnv = z.object({
  PARLEY_FUZZ_RUNS: z.coerce.number().int().min(1).optional(),
  PARLEY_FUZZ_SEED: z.union([z.literal('random'), z.coerce.number().int()]).default(20261206),
});

/** The fuzz suite's settings: cases per target (undefined: each target's own budget) and seed. */
export interface FuzzConfig {
  runs: number | undefined;
  seed: number | 'random';
}

/** Reads {@link FuzzConfig} from `env`; `config_invalid` naming the bad variable. */
export function readFuzzConfig(env: NodeJS.ProcessEnv = process.env): FuzzConfig {
  const data = parseEnv(FuzzEnv, env);
  return { runs: data.PARLEY_FUZZ_RUNS, seed: data.PARLEY_FUZZ_SEED };
}
