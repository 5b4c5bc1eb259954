import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TicketRecord } from '../../core/index.js';

/** A ticket no sample ticket resembles, so that a server can only cite it once it learned about it. */
export const LIVE_TICKET: TicketRecord = {
  id: 'live-hoverboard-pairing',
  question: 'How do I pair my Zorblax 9000 hoverboard with the Zorblax mobile app?',
  answer: 'Hold the Zorblax 9000 power button for 8 seconds until the light blinks blue, then tap Pair hoverboard in the Zorblax app.',
  source: 'live-test',
  metadata: {},
};

/** The customer question that {@link LIVE_TICKET} answers. */
export const LIVE_QUESTION = 'how can I pair the zorblax 9000 hoverboard with the app?';

/** Writes `tickets` as JSONL under `dir`; returns the file's path. */
export async function writeTicketsJsonl(dir: string, tickets: TicketRecord[]): Promise<string> {
  const path = join(dir, 'live-tickets.jsonl');
  await writeFile(path, tickets.map((t) => JSON.stringify({ id: t.id, question: t.question, answer: t.answer })).join('\n') + '\n');
  return path;
}

/** The ids of the sources of the first reply `POST /api/chat` gives to `question` on the server at `baseUrl`. */
export async function citedSources(baseUrl: string, question: string, headers: Record<string, string> = {}): Promise<string[]> {
  const response = await fetch(`${baseUrl}/api/chat`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'live-test', text: question }) });
  if (response.status !== 200) throw new Error(`POST /api/chat answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { replies: Array<{ sources: Array<{ id: string }> }> };
  return body.replies[0]?.sources.map((s) => s.id) ?? [];
}

/** The number of searchable tickets `/health` reports on the server at `baseUrl`. */
export async function healthTickets(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/health`);
  return ((await response.json()) as { tickets: number }).tickets;
}

/**
 * Reads `/health` every 100 ms until the server at `baseUrl` reports at least `tickets` searchable tickets (the change
 * arrived, whatever retrieval makes of it); resolves to the time it took since `since` (ms), or rejects after `timeoutMs`.
 */
export async function untilHealthTickets(baseUrl: string, tickets: number, since: number, timeoutMs = 15_000): Promise<number> {
  let last = 0;
  while (Date.now() - since < timeoutMs) {
    last = await healthTickets(baseUrl);
    if (last >= tickets) return Date.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`/health did not reach ${tickets} tickets within ${timeoutMs} ms; last: ${last}`);
}

/**
 * Asks `question` every 100 ms (with `headers`, e.g. the API key) until the server at `baseUrl` cites `ticketId`; resolves to the time it took since
 * `since` (ms), or rejects after `timeoutMs` with the sources last cited.
 */
export async function untilCited(baseUrl: string, question: string, ticketId: string, since: number, timeoutMs = 15_000, headers: Record<string, string> = {}): Promise<number> {
  let last: string[] = [];
  while (Date.now() - since < timeoutMs) {
    last = await citedSources(baseUrl, question, headers);
    if (last.includes(ticketId)) return Date.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${ticketId} was not cited within ${timeoutMs} ms; last sources: ${last.join(', ') || 'none'}`);
}
