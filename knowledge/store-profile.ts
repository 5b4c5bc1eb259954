import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ParleyError } from '../bot/core/index.js';

/**
 * What the assistant says about the store it serves, kept out of the framework's code: the sentence on what it helps
 * with (in greetings and refusals) and the topics it offers as quick replies. The operator sets them
 * (`PARLEY_HELP_TEXT`, `PARLEY_TOPICS`); the bundled sample store has its own (`knowledge/sample-data/store.json`).
 */
export interface StoreProfile {
  /** One sentence, e.g. "I can help with orders, returns and sizing." */
  help: string;
  /** Quick replies offered with a greeting or a refusal. */
  topics: readonly string[];
}

/** The texts of a store that set none: nothing claimed about what it sells. */
export const NEUTRAL_PROFILE: StoreProfile = {
  help: 'I can answer questions our support team has answered before.',
  topics: ['Talk to a person'],
};

/** The reply to a greeting: "Hi!", what the assistant helps with, and a question. */
export function greetingOf(profile: StoreProfile): string {
  return `Hi! ${profile.help} What can I do for you?`;
}

const ProfileFile = z.object({
  help: z.string().trim().min(1).max(500),
  topics: z.array(z.string().trim().min(1).max(80)).min(1).max(8),
});

/** Reads a store profile file (JSON: `{"help", "topics"}`); `config_invalid` naming the file and the bad field. */
export async function readStoreProfile(path: string): Promise<StoreProfile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ParleyError('config_invalid', `store profile ${path}: ${(error as Error).message}`, { cause: error });
  }
  const result = ProfileFile.safeParse(parsed);
  if (!result.success) throw new ParleyError('config_invalid', `store profile ${path}: ${result.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  return result.data;
}

/**
 * The store's texts: what the operator configured, else those of `fallback` (the sample store's while its data is
 * on), else {@link NEUTRAL_PROFILE}; each of the two fields on its own.
 */
export function storeProfile(configured: { helpText?: string | undefined; topics?: readonly string[] | undefined }, fallback: StoreProfile = NEUTRAL_PROFILE): StoreProfile {
  return { help: configured.helpText ?? fallback.help, topics: configured.topics ?? fallback.topics };
}
