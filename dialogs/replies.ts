import { handoff, NEUTRAL_SOURCE_TITLE, type HandoffReason, type ReplyInput, type Source, type TurnContext } from '../bot/core/index.js';
import { composeAnswer, redact, stripMarkers, type ClusterAnswer, type Facts, type Hit, type KnowledgeBase } from '../knowledge/index.js';
import { claimsHandoff } from './handoff/claims.js';
import { contactSentence, reachOf, type HandoffReach } from './handoff/reach.js';
import { REQUEST_REPLY, UNREACHABLE_REQUEST_REPLY } from './handoff/request-replies.js';

const NEXT_STEPS =
  "They'll reply right here, usually within a few minutes during business hours. They can see this conversation, so you won't need to repeat anything.";

const HANDOFF_OPENING: Record<HandoffReason, string> = {
  customer_request: "Of course — I'm connecting you with a person from our team.",
  low_confidence: "I'm not sure I have the right answer to that, so I'm passing you to a person from our team.",
  out_of_scope: "That's outside what I can help with here, so I'm passing you to a person from our team.",
  no_match: "I couldn't find an answer to that in what our team has solved before, so I'm passing you to a person.",
  sensitive_topic: "This is something a person from our team should look at, so I'm passing your conversation to them.",
  vip: "I'm bringing in a person from our team so you get the right answer straight away.",
  frustration: "I'm really sorry this has been frustrating. I'm bringing in a person from our team to sort it out with you.",
  repeated_failure: "I'm sorry I haven't been able to answer that properly. I'm passing you to a person from our team who can.",
  ungrounded: "I'm not sure I have the right answer to that, so I'm passing you to a person from our team.",
  language: "I'm passing you to a person from our team who can help you in your language.",
  error: "Something went wrong on my side, so I'm passing you to a person from our team.",
};

/** Openings for the topics of `sensitive_topic` handoffs; `{amount}` is the refund asked for. */
const TOPIC_OPENING: Record<string, string> = {
  safety:
    "I'm so sorry to hear that — your safety comes first. If anyone is hurt or in danger, please contact your local emergency services now. I'm passing this to a person from our team straight away.",
  legal: "Thank you for telling us. A matter like this needs a person rather than me, so I'm passing your conversation to our team.",
  refund: 'A refund of {amount} is reviewed by a person from our team, so I\'m passing your conversation to them.',
};

/**
 * Openings when no agent desk can take the handoff: what happened, without passing the customer to anyone. The
 * safety opening keeps its call to emergency services.
 */
const UNREACHABLE_OPENING: Record<HandoffReason, string> = {
  customer_request: "I'm sorry — I can't connect you with a person here: nobody from our team replies in this chat.",
  low_confidence: "I'm not sure I have the right answer to that.",
  out_of_scope: "That's outside what I can help with here.",
  no_match: "I couldn't find an answer to that in what our team has solved before.",
  sensitive_topic: 'This is something a person from our team should look at.',
  vip: "I'd like a person from our team to help you with this.",
  frustration: "I'm really sorry this has been frustrating.",
  repeated_failure: "I'm sorry I haven't been able to answer that properly.",
  ungrounded: "I'm not sure I have the right answer to that.",
  language: "I'm sorry, I can't help in your language here.",
  error: 'Something went wrong on my side.',
};

const UNREACHABLE_TOPIC: Record<string, string> = {
  safety: "I'm so sorry to hear that — your safety comes first. If anyone is hurt or in danger, please contact your local emergency services now.",
  legal: 'Thank you for telling us. A matter like this needs a person rather than me.',
  refund: 'A refund of {amount} is reviewed by a person from our team.',
};

/** What happened to the request: recorded for the team (dashboard), with nobody replying in the chat. */
const recorded = (reason: HandoffReason): string =>
  reason === 'customer_request' ? "I've recorded your request for our team." : "I've recorded this for our team, but nobody from the team replies in this chat.";

/** What a handoff reply may say beyond its reason. */
export interface HandoffContext {
  /** The sensitive topic (`legal`, `safety`, `refund`) of a `sensitive_topic` handoff. */
  topic?: string;
  /** The refund amount as the customer wrote it ("$450"). */
  amount?: string;
  /** Start with an apology: the customer sounds frustrated. */
  apologize?: boolean;
  /** The customer's language (ISO 639-1) when not English: a request for a person is answered in it where Parley can. */
  language?: string;
  /** What the handoff can reach (see {@link reachOf}); default a desk and e-mail, i.e. a person takes over. */
  reach?: HandoffReach;
  /** What the assistant helps with (the store profile's sentence), said when nobody can take over. */
  help?: string;
}

function openingFor(reason: HandoffReason, context: HandoffContext): string {
  const topical = context.topic ? TOPIC_OPENING[context.topic] : undefined;
  if (topical && (!topical.includes('{amount}') || context.amount)) return topical.replace('{amount}', context.amount ?? '');
  return HANDOFF_OPENING[reason];
}

/**
 * The reply when no agent desk can take the handoff: what happened (specific to the reason and topic), that the
 * request is recorded for the team, the operator's contact facts when set, and an invitation to keep asking — never
 * a promise that a person will reply. In English, but for a request for a person made in a language Parley has that reply in.
 */
function unreachableReply(reason: HandoffReason, context: HandoffContext, reach: HandoffReach): ReplyInput {
  const translated = reason === 'customer_request' && context.language ? UNREACHABLE_REQUEST_REPLY[context.language] : undefined;
  if (translated) {
    const text = [translated.opening, reach.contact && translated.contact.replace('{contacts}', reach.contact), translated.closing].filter(Boolean).join(' ');
    return { text, action: 'handoff', handoff: { reason }, sources: [] };
  }
  const topical = context.topic ? UNREACHABLE_TOPIC[context.topic] : undefined;
  const opening = topical && (!topical.includes('{amount}') || context.amount) ? topical.replace('{amount}', context.amount ?? '') : UNREACHABLE_OPENING[reason];
  const apology = context.apologize && reason !== 'frustration' && reason !== 'customer_request' && context.topic !== 'safety' ? "I'm sorry for the trouble. " : '';
  const help = context.help ? ` ${context.help}` : '';
  const contact = reach.contact && contactSentence(reach.contact);
  const text = [`${apology}${opening} ${recorded(reason)}`, contact, `Meanwhile I'm happy to keep helping.${help} Ask me anything.`].filter(Boolean).join(' ');
  return { text, action: 'handoff', handoff: { reason }, sources: [] };
}

/**
 * The reply telling the customer that a person takes over, and what happens next; specific to the reason and topic.
 * When `context.reach` has no desk, the honest reply instead (nobody can reply here; the request is recorded).
 */
export function handoffReply(reason: HandoffReason, context: HandoffContext = {}): ReplyInput {
  if (context.reach && !context.reach.desk) return unreachableReply(reason, context, context.reach);
  const translated = reason === 'customer_request' && context.language ? REQUEST_REPLY[context.language] : undefined;
  if (translated) return { text: translated, action: 'handoff', handoff: { reason }, sources: [] };
  const opening = openingFor(reason, context);
  // The frustration and safety openings already begin with an apology.
  const apology = context.apologize && reason !== 'frustration' && context.topic !== 'safety' ? "I'm sorry for the trouble. " : '';
  return { text: `${apology}${opening} ${NEXT_STEPS}`, action: 'handoff', handoff: { reason }, sources: [] };
}

/** The reply to "that didn't help" before the failure limit: an apology, a request to rephrase, and a way to a person. */
export function retryReply(): ReplyInput {
  return {
    text: "Sorry that didn't help. Could you tell me a bit more about what you need, in your own words? If I still can't help, I'll bring in a person from our team.",
    action: 'clarify',
    quickReplies: ['Talk to a person'],
    sources: [],
  };
}

/** The public source entry of a retrieved ticket. */
export function toSource(hit: Hit): Source {
  const { image: _image, ...metadata } = hit.ticket.metadata;
  const url = sourceUrl(hit.ticket.metadata);
  return {
    id: hit.ticket.id,
    score: Number(hit.score.toFixed(4)),
    metadata: { ...metadata, question: hit.ticket.question, source: hit.ticket.source },
    title: sourceTitle(hit.ticket.metadata),
    ...(url ? { url } : {}),
  };
}

/** Metadata fields that hold an operator-written title, first found wins. */
const TITLE_FIELDS = ['title', 'article', 'article_title', 'articleTitle', 'heading'] as const;
/** Metadata fields that hold a label a title can be made from ("card_arrival" → "Card arrival"). */
const LABEL_FIELDS = ['category', 'intent', 'topic', 'label'] as const;
/** Metadata fields that hold a public link to the article. */
const URL_FIELDS = ['url', 'link', 'article_url', 'articleUrl', 'help_url'] as const;

/**
 * A title customers may see for a past ticket, never made from the past customer's words: the ticket's own title
 * (redacted, in case personal data slipped in), else its category or intent as words, else
 * {@link NEUTRAL_SOURCE_TITLE}. A helpdesk's `subject` is the customer's words and is never used.
 */
export function sourceTitle(metadata: Record<string, unknown>): string {
  for (const field of TITLE_FIELDS) {
    const value = metadata[field];
    if (typeof value === 'string' && value.trim()) return clip(redact(value.replace(/\s+/g, ' ').trim()).text, 120);
  }
  for (const field of LABEL_FIELDS) {
    const value = metadata[field];
    if (typeof value !== 'string' || !/^[\p{L}\p{N}][\p{L}\p{N} _./&-]{0,60}$/u.test(value.trim())) continue;
    const words = value.trim().replace(/[_.-]+/g, ' ').replace(/\s+/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return NEUTRAL_SOURCE_TITLE;
}

/** A public `http(s)` link the ticket carries (`url`, `link`, `article_url`…), if any; links with tokens are left out. */
export function sourceUrl(metadata: Record<string, unknown>): string | undefined {
  for (const field of URL_FIELDS) {
    const value = metadata[field];
    if (typeof value !== 'string' || !/^https?:\/\/\S+$/i.test(value.trim())) continue;
    // A link that carries a token or a person's profile is personal data, not a help page.
    if (redact(value.trim(), { kinds: ['url_with_token'] }).findings.length) continue;
    return value.trim();
  }
  return undefined;
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

/** Images a ticket carries in its `image` / `images` metadata (`{url, alt}`), for channels that show them. */
function ticketImages(hit: Hit): { url: string; alt: string }[] {
  const raw = [hit.ticket.metadata.image, ...(Array.isArray(hit.ticket.metadata.images) ? hit.ticket.metadata.images : [])];
  return raw.flatMap((item) => {
    if (typeof item !== 'object' || item === null) return [];
    const { url, alt } = item as { url?: unknown; alt?: unknown };
    return typeof url === 'string' ? [{ url, alt: typeof alt === 'string' ? alt : '' }] : [];
  });
}

/**
 * Answers with a past ticket's answer, de-personalised and its slots filled by the composer, citing it, with the
 * confidence the decision was made on (nothing useful left: a handoff). A ticket whose answer
 * says the customer is being connected to a person ({@link claimsHandoff}) is not pasted: the handoff is recorded and
 * the handoff reply sent instead, so a "connecting you" message never goes out without the handoff happening.
 */
export async function answerFromTicket(ctx: TurnContext, hit: Hit, confidence?: number, facts: Facts = {}, canonical: Readonly<Record<string, ClusterAnswer>> = {}): Promise<void> {
  if (claimsHandoff(hit.ticket.answer)) {
    await handoff.request(ctx, 'customer_request', { reply: handoffReply('customer_request', { reach: reachOf(ctx) }), confidence });
    return;
  }
  // The past answer without the old customer's specifics, its slots filled from this customer's earlier messages
  // (not from the chosen option, which is the old customer's question) and the operator's facts.
  const messages = await ctx.transcript();
  const history = messages.filter((m) => m.role === 'customer' && m.id !== ctx.activity.id && m.activity.id !== ctx.activity.id).map((m) => ({ role: 'customer' as const, text: m.text }));
  const values = ctx.conversation.metadata.customerValues;
  const draft = composeAnswer({ question: '', history, hits: [hit], facts, canonical, ...(typeof values === 'object' && values !== null ? { customerValues: values } : {}) });
  if (!draft.text) {
    await handoff.request(ctx, 'low_confidence', { reply: handoffReply('low_confidence', { reach: reachOf(ctx) }), confidence });
    return;
  }
  await ctx.send({ text: stripMarkers(draft.text), action: 'answer', sources: [toSource(hit)], images: ticketImages(hit), ...(confidence === undefined ? {} : { confidence }) });
}

/** The answers of these tickets' clusters (approved or canonical), by ticket id; none when the knowledge base keeps no clusters. */
export async function clusterAnswersOf(knowledge: KnowledgeBase, ticketIds: readonly string[]): Promise<Record<string, ClusterAnswer>> {
  return knowledge.clusters ? Object.fromEntries(await knowledge.clusters.canonicalFor(ticketIds)) : {};
}

/** What a past question carries that is no use in a label: handles, links, redaction tokens and slots (with a `#` or `:` before them). */
const NOT_FOR_LABELS = [/(?<![\w@])@\w{1,30}/g, /\bhttps?:\/\/\S+/g, /\s*[#:]?\s*\[[A-Z][A-Z_]{1,24}\]/g, /\s*[#:]?\s*\{\{[^{}]{1,60}\}\}/g];

/** `text` without {@link NOT_FOR_LABELS}, its spaces tidied (none before punctuation, no empty brackets, no leading punctuation). */
function labelText(text: string): string {
  let label = text;
  for (const pattern of NOT_FOR_LABELS) label = label.replace(pattern, ' ');
  return label
    .replace(/\(\s*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:!?])/g, '$1')
    .replace(/^[\s.,;:!?-]+/, '')
    .trim();
}

/**
 * A short label for a ticket in a list of choices: its question without the past customer's handles, links and
 * redacted values (a customer never sees `[NAME]` or `{{Order Number}}`), else the first sentence of its answer.
 */
export function optionLabel(hit: Hit): string {
  const text = labelText(hit.ticket.question) || (labelText(hit.ticket.answer).split(/(?<=[.!?])\s/)[0] ?? '');
  return text.length <= 60 ? text : `${text.slice(0, 57).replace(/\s+\S*$/, '')}…`;
}
