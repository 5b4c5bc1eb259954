import type { ReplyInput, Source, TurnContext } from '../bot/core/index.js';
import type { Hit } from '../knowledge/index.js';

/** Handoff reasons Parley records on a conversation. */
export type HandoffReason = 'customer_request' | 'low_confidence' | 'no_match' | 'error' | (string & {});

const NEXT_STEPS =
  "They'll reply right here, usually within a few minutes during business hours (Mon–Fri 9:00–18:00). They can see this conversation, so you won't need to repeat anything.";

const HANDOFF_OPENING: Record<string, string> = {
  customer_request: "Of course — I'm connecting you with a person from our team.",
  low_confidence: "I'm not sure I have the right answer to that, so I'm passing you to a person from our team.",
  out_of_scope: "That's outside what I can help with here, so I'm passing you to a person from our team.",
  no_match: "I couldn't find an answer to that in what our team has solved before, so I'm passing you to a person.",
};

/** The reply telling the customer that a person takes over, and what happens next. */
export function handoffReply(reason: HandoffReason): ReplyInput {
  const opening = HANDOFF_OPENING[reason] ?? "I'm passing you to a person from our team.";
  return { text: `${opening} ${NEXT_STEPS}`, action: 'handoff', handoff: { reason }, sources: [] };
}

/** The public source entry of a retrieved ticket. */
export function toSource(hit: Hit): Source {
  const { image: _image, ...metadata } = hit.ticket.metadata;
  return { id: hit.ticket.id, score: Number(hit.score.toFixed(4)), metadata: { ...metadata, question: hit.ticket.question, source: hit.ticket.source } };
}

/** Images a ticket carries in its `image` / `images` metadata (`{url, alt}`), for channels that show them. */
function ticketImages(hit: Hit): { url: string; alt: string }[] {
  const raw = [hit.ticket.metadata.image, ...(Array.isArray(hit.ticket.metadata.images) ? hit.ticket.metadata.images : [])];
  return raw.flatMap((item) => {
    if (typeof item !== 'object' || item === null) return [];
    const { url, alt } = item as { url?: unknown; alt?: unknown };
    return typeof url === 'string' ? [{ url, alt: typeof alt === 'string' ? alt : '' }] : [];
  });
}

/** Answers with a past ticket's answer, citing it, with the confidence the decision was made on. */
export async function answerFromTicket(ctx: TurnContext, hit: Hit, confidence?: number): Promise<void> {
  await ctx.send({ text: hit.ticket.answer, action: 'answer', sources: [toSource(hit)], images: ticketImages(hit), ...(confidence === undefined ? {} : { confidence }) });
}

/** Marks the conversation as needing a person and tells the customer what happens next. */
export async function handOff(ctx: TurnContext, reason: HandoffReason, confidence?: number): Promise<void> {
  await ctx.requestHuman(reason);
  await ctx.send({ ...handoffReply(reason), ...(confidence === undefined ? {} : { confidence }) });
}

/** A short label for a ticket in a list of choices. */
export function optionLabel(hit: Hit): string {
  const text = hit.ticket.question.replace(/\s+/g, ' ').trim();
  return text.length <= 60 ? text : `${text.slice(0, 57).replace(/\s+\S*$/, '')}…`;
}
