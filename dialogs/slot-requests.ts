import type { ConversationRecord, ReplyInput, TurnContext } from '../bot/core/index.js';
import { extractEntities, type CustomerField, type CustomerValues, type GeneratedAnswer } from '../knowledge/index.js';

/** Conversation metadata keys: the value the bot asked for, values the customer gave, and fields already asked. */
const REQUEST_KEY = 'slotRequest';
const VALUES_KEY = 'customerValues';
const ASKED_KEY = 'slotsAsked';

/** A pending request for a customer value: the field and the question it is needed for. */
interface SlotRequest {
  field: CustomerField;
  question: string;
}

/** How the bot asks for each value. */
const ASK: Readonly<Record<CustomerField, string>> = {
  orderNumber: 'your order number',
  invoiceNumber: 'your invoice number',
  trackingNumber: 'your tracking number',
  accountType: 'which type of account you have',
  email: 'the e-mail address on your account',
  name: 'your name',
  phone: 'the phone number on your account',
  accountId: 'your account number',
  address: 'the address it concerns',
};

/** The values the customer gave when the bot asked (conversation metadata). */
export function customerValuesOf(conversation: ConversationRecord): CustomerValues {
  const values = conversation.metadata[VALUES_KEY];
  return typeof values === 'object' && values !== null ? (values as CustomerValues) : {};
}

function pendingRequest(conversation: ConversationRecord): SlotRequest | undefined {
  const request = conversation.metadata[REQUEST_KEY] as Partial<SlotRequest> | undefined;
  return request && typeof request.field === 'string' && typeof request.question === 'string' ? (request as SlotRequest) : undefined;
}

/** A reply to "what is your order number?": the value as the customer wrote it, when the message holds one. Pure. */
export function valueIn(field: CustomerField, text: string): string | undefined {
  const entities = extractEntities(text);
  const found = field in entities ? entities[field as keyof typeof entities] : undefined;
  if (found) return found;
  if (field === 'orderNumber' || field === 'invoiceNumber' || field === 'trackingNumber' || field === 'accountId') {
    // A bare reference ("12588", "it's #A-1234"): the one token with a digit in a short message.
    const candidates = text.match(/#?\b[A-Z]{0,4}-?\d[\dA-Z-]{2,}\b/gi) ?? [];
    return candidates.length === 1 && text.split(/\s+/).length <= 8 ? candidates[0]!.replace(/^#/, '') : undefined;
  }
  return undefined;
}

/**
 * When the bot asked for a value last turn: takes the customer's answer, stores the value and returns the question
 * it was asked for (answered now); undefined otherwise. The request is cleared either way: it is asked only once.
 */
export async function resumeAfterRequest(ctx: TurnContext, text: string): Promise<{ question: string } | undefined> {
  const request = pendingRequest(ctx.conversation);
  if (!request) return undefined;
  const value = valueIn(request.field, text);
  const metadata: Record<string, unknown> = { ...ctx.conversation.metadata };
  delete metadata[REQUEST_KEY];
  if (value) metadata[VALUES_KEY] = { ...customerValuesOf(ctx.conversation), [request.field]: value };
  ctx.conversation = await ctx.store.updateConversation(ctx.conversation.id, { metadata });
  return value ? { question: request.question } : undefined;
}

/**
 * The question for a value an answer cannot be given without (`answer.needs`), unless it was asked before in this
 * conversation (then the answer goes without it); records the request so that the next message can fill it.
 */
export async function requestMissingValue(ctx: TurnContext, answer: GeneratedAnswer, question: string): Promise<ReplyInput | undefined> {
  const asked = (ctx.conversation.metadata[ASKED_KEY] as CustomerField[] | undefined) ?? [];
  const field = answer.needs?.find((f) => !asked.includes(f) && !customerValuesOf(ctx.conversation)[f]);
  if (!field) return undefined;
  const metadata = { ...ctx.conversation.metadata, [REQUEST_KEY]: { field, question } satisfies SlotRequest, [ASKED_KEY]: [...asked, field] };
  ctx.conversation = await ctx.store.updateConversation(ctx.conversation.id, { metadata });
  return { text: `I can help with that. Could you tell me ${ASK[field]}?`, action: 'clarify', sources: [] };
}
