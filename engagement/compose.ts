import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { checkGrounding } from '../knowledge/index.js';

/** What a message may say about one customer: every value comes from their profile, events or the catalogue. */
export interface MessageFacts {
  firstName: string;
  name: string;
  products: string[];
  orderId?: string;
  recommendations: string[];
  lastOrder?: string;
  orderCount: number;
  /** The tracked link (or none). */
  link?: string;
  brand?: string;
  days?: number;
  attributes: Record<string, unknown>;
}

/** A rendered message and the fact values it states (which a rewrite must keep). */
export interface RenderedText {
  text: string;
  facts: string[];
}

/** "a", "a and b", "a, b and c". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The value of one placeholder, or undefined when the customer's data has none. */
function valueOf(field: string, facts: MessageFacts): string | undefined {
  if (field.startsWith('attributes.')) {
    const value = facts.attributes[field.slice('attributes.'.length)];
    return value === undefined || value === null ? undefined : String(value);
  }
  switch (field) {
    case 'firstName':
      return facts.firstName;
    case 'name':
      return facts.name;
    case 'products':
      return facts.products.length ? listOf(facts.products) : undefined;
    case 'product':
      return facts.products[0];
    case 'orderId':
      return facts.orderId;
    case 'recommendations':
      return facts.recommendations.length ? listOf(facts.recommendations) : undefined;
    case 'lastOrder':
      return facts.lastOrder;
    case 'orderCount':
      return String(facts.orderCount);
    case 'link':
      return facts.link;
    case 'brand':
      return facts.brand;
    case 'days':
      return facts.days === undefined ? undefined : String(facts.days);
    default:
      return undefined;
  }
}

/**
 * Fills `{{placeholders}}` from the customer's facts. A sentence whose placeholder has no value (no recommendations
 * for a first-time buyer) is left out rather than sent with a gap.
 */
export function renderTemplate(template: string, facts: MessageFacts): RenderedText {
  const used: string[] = [];
  const lines = template.split('\n').map((line) =>
    line
      .split(/(?<=[.!?])\s+/)
      .map((sentence) => {
        let missing = false;
        const filled = sentence.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, field: string) => {
          const value = valueOf(field, facts);
          if (value === undefined || value === '') {
            missing = true;
            return '';
          }
          if (field === 'products' || field === 'recommendations') used.push(...(field === 'products' ? facts.products : facts.recommendations));
          else used.push(value);
          return value;
        });
        return missing ? '' : filled;
      })
      .filter(Boolean)
      .join(' '),
  );
  return { text: lines.join('\n').replace(/\n{3,}/g, '\n\n').trim(), facts: [...new Set(used)] };
}

/** The instructions of the rewrite. */
export const REWRITE_PROMPT = [
  'You rewrite a customer message so that it reads warm, personal and natural.',
  'Keep every fact exactly as written: names, product names, order numbers, numbers and links.',
  'Add nothing: no new product, offer, discount, price, date, number, promise or link.',
  'Keep it about as long as the original. Reply with the rewritten message only.',
].join('\n');

/** The verdict on a rewrite: accepted, or why the template text is sent instead. */
export interface RewriteResult {
  text: string;
  rewritten: boolean;
  /** Why a rewrite was refused (`missing fact "…"`, `invented number 20`, `invented name Acme`, `new link`, `model failed`). */
  rejected: string[];
}

/**
 * Checks a rewrite against the message it rewrote (pure): every fact value must still be there, every link must be
 * one of the original's, and — as answer grounding checks answers against tickets — no number or name may appear
 * that the original does not have, and each sentence must mostly use the original's words.
 */
export function checkRewrite(original: RenderedText, rewrite: string, maxChars?: number): string[] {
  const problems: string[] = [];
  const lower = rewrite.toLowerCase();
  for (const fact of original.facts) if (!lower.includes(fact.toLowerCase())) problems.push(`missing fact "${fact}"`);
  const links = new Set(original.text.match(/https?:\/\/\S+/g) ?? []);
  for (const link of rewrite.match(/https?:\/\/\S+/g) ?? []) if (!links.has(link.replace(/[.,;:!?)]+$/, ''))) problems.push(`new link ${link}`);
  const withoutLinks = (text: string) => text.replace(/https?:\/\/\S+/g, ' ');
  const grounding = checkGrounding(withoutLinks(rewrite), [withoutLinks(original.text)], '', { sentenceSupport: 0.5, answerSupport: 0.75 });
  for (const number of grounding.unsupportedNumbers) problems.push(`invented number ${number}`);
  for (const name of grounding.unsupportedEntities) problems.push(`invented name ${name}`);
  if (grounding.support < 0.75) problems.push(`unsupported sentences: ${grounding.unsupportedSentences.join(' | ')}`);
  if (maxChars !== undefined && rewrite.length > maxChars) problems.push(`longer than ${maxChars} characters`);
  if (!rewrite.trim()) problems.push('empty');
  return problems;
}

/**
 * Asks `model` to rewrite `original` and keeps the rewrite only when {@link checkRewrite} finds nothing; otherwise
 * (or when the model fails or takes longer than `timeoutMs`) the template text goes out.
 */
export async function rewriteMessage(model: BaseChatModel, original: RenderedText, options: { timeoutMs: number; maxChars?: number }): Promise<RewriteResult> {
  let rewrite: string;
  try {
    const response = await model.invoke([{ role: 'system', content: REWRITE_PROMPT }, { role: 'user', content: original.text }], { signal: AbortSignal.timeout(options.timeoutMs) });
    rewrite = (typeof response.content === 'string' ? response.content : JSON.stringify(response.content)).trim();
  } catch (error) {
    return { text: original.text, rewritten: false, rejected: [`model failed: ${(error as Error).message}`] };
  }
  const problems = checkRewrite(original, rewrite, options.maxChars);
  return problems.length ? { text: original.text, rewritten: false, rejected: problems } : { text: rewrite, rewritten: true, rejected: [] };
}
