import { z } from 'zod';
import { ParleyError } from '../core/index.js';

/**
 * Parses `env` with one section's schema; on failure throws `config_invalid` naming every bad variable
 * (`invalid configuration: NAME: problem; …`, the problems also in `details.problems`).
 */
export function parseEnv<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv): z.infer<Schema> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ParleyError('config_invalid', `invalid configuration: ${problems.join('; ')}`, { details: { problems } });
}

/** A yes/no variable (`true`/`false`, `1`/`0`, `yes`/`no`), `fallback` when unset. */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((value) => (value === undefined ? fallback : ['true', '1', 'yes'].includes(value)));

/** `env` (default: the process environment) with `extra` variables set over it, for a command that adds one. */
export function envWith(env: NodeJS.ProcessEnv | undefined, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...(env ?? process.env), ...extra };
}
