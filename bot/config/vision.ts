import { z } from 'zod';
import { booleanFlag, parseEnv } from './parse-env.js';

/** Virtual try-on: the tensor backend and an optional external try-on model server (docs/try-on.md). */
export interface VisionConfig {
  /** Tensor backend for try-on; `PARLEY_VISION_BACKEND` (`auto` = tfjs-node-gpu when installed, else `wasm`; or `wasm`, `tensorflow`, `cpu`), default `auto`. */
  visionBackend: 'auto' | 'wasm' | 'tensorflow' | 'cpu';
  /** Virtual try-on in conversations (models load in a worker thread at `serve`); `PARLEY_VISION`, default true. */
  vision: boolean;
  /** External try-on model server (`POST` person + garment, answers the image); `PARLEY_TRYON_URL`, default none (built-in pipeline only). */
  tryonUrl: string | undefined;
  /** Longest wait for the try-on server before the built-in pipeline answers; `PARLEY_TRYON_TIMEOUT_MS` (≥ 1), default 60,000. */
  tryonTimeoutMs: number;
}

/** The environment variables of virtual try-on. */
export const VisionEnv = z.object({
  PARLEY_VISION_BACKEND: z.enum(['auto', 'wasm', 'tensorflow', 'cpu']).default('auto'),
  PARLEY_VISION: booleanFlag(true),
  PARLEY_TRYON_URL: z.url().optional(),
  PARLEY_TRYON_TIMEOUT_MS: z.coerce.number().int().min(1).default(60_000),
});

/** Reads {@link VisionConfig} from `env`; `config_invalid` naming the bad variable. */
export function readVisionConfig(env: NodeJS.ProcessEnv): VisionConfig {
  const e = parseEnv(VisionEnv, env);
  return { visionBackend: e.PARLEY_VISION_BACKEND, vision: e.PARLEY_VISION, tryonUrl: e.PARLEY_TRYON_URL, tryonTimeoutMs: e.PARLEY_TRYON_TIMEOUT_MS };
}
