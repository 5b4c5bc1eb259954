import { packageFile } from '../../bot/core/index.js';

/** Folder of the bundled sample data (tickets of a fictional apparel store, and the images they reference). */
export function sampleDataDir(): string {
  return packageFile('knowledge', 'sample-data');
}

/** Path of the bundled sample tickets (JSONL). */
export function sampleTicketsPath(): string {
  return packageFile('knowledge', 'sample-data', 'apparel-tickets.jsonl');
}

/** Path of the sample store's own texts (what the assistant helps with, the topics it offers): a `StoreProfile`. */
export function sampleStoreProfilePath(): string {
  return packageFile('knowledge', 'sample-data', 'store.json');
}
