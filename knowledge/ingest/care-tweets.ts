import { ParleyError } from '../../bot/core/index.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/**
 * Flattens customer-care conversations from Twitter in the shape of IBM's conversational document prediction data
 * (`dialogContent: [{client|agent, message}]`, `agentURL: {url_utterance, url, doc_id}`, `dialogHeader: {company,
 * sessionID}`) into flat records for the ingest field mapping: `question` (the customer's turns, one per line),
 * `answer` (the agent's reply that links a help document), `id` (the session), `brand` (the care account, usable as the
 * scope with `--scope-field brand`), `doc_id` and `url` (the linked document). Pure.
 * @throws ParleyError `ingest_invalid` naming the conversation and the missing field.
 */
export function flattenCareTweets(records: readonly unknown[], origin: string): Record<string, unknown>[] {
  return records.map((record, i) => {
    const where = `${origin} conversation ${i + 1}`;
    const fail = (field: string, message: string) => new ParleyError('ingest_invalid', `${where}: ${message}`, { details: { field } });
    if (!isObject(record) || !Array.isArray(record.dialogContent)) throw fail('dialogContent', 'expected "dialogContent": an array of turns');
    const link = isObject(record.agentURL) ? record.agentURL : undefined;
    const answer = text(link?.url_utterance);
    if (!answer) throw fail('agentURL.url_utterance', 'missing the agent\'s reply "agentURL.url_utterance"');
    const customerTurns = record.dialogContent.flatMap((turn) => (isObject(turn) && turn.client !== undefined && text(turn.message) ? [text(turn.message) as string] : []));
    const header = isObject(record.dialogHeader) ? record.dialogHeader : {};
    const flat: Record<string, unknown> = { question: customerTurns.join('\n'), answer };
    const id = text(header.sessionID);
    if (id) flat.id = id;
    const brand = text(header.company);
    if (brand) flat.brand = brand;
    if (text(link?.doc_id)) flat.doc_id = text(link?.doc_id);
    if (text(link?.url)) flat.url = text(link?.url);
    return flat;
  });
}

/** True when parsed JSON looks like {@link flattenCareTweets}' input. */
export function isCareTweets(records: unknown): records is unknown[] {
  return Array.isArray(records) && records.length > 0 && isObject(records[0]) && Array.isArray(records[0].dialogContent) && isObject(records[0].agentURL);
}
