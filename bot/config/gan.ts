import { z } from 'zod';
import { parseEnv } from './parse-env.js';

/** Generated product images: the GAN model folder and training threads (docs/product-images.md). */
export interface GanConfig {
  /** Model folder written by `parley vision train-gan` (default of its `--out` and of `generate --model`); `PARLEY_GAN_MODEL`, default none. */
  ganModel: string | undefined;
  /** Gradient worker threads of `parley vision train-gan` (0 = the main thread); `PARLEY_GAN_WORKERS` (0–16), default 2. */
  ganWorkers: number;
}

/** The environment variables of generated product images. */
export const GanEnv = z.object({
  PARLEY_GAN_MODEL: z.string().min(1).optional(),
  PARLEY_GAN_WORKERS: z.coerce.number().int().min(0).max(16).default(2),
});

/** Reads {@link GanConfig} from `env`; `config_invalid` naming the bad variable. */
export function readGanConfig(env: NodeJS.ProcessEnv): GanConfig {
  const e = parseEnv(GanEnv, env);
  return { ganModel: e.PARLEY_GAN_MODEL, ganWorkers: e.PARLEY_GAN_WORKERS };
}
