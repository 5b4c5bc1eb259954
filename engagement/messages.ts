import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { CustomerEvent, CustomerRecord } from '../bot/core/index.js';
import type { Campaign, CampaignsConfig, EngagementChannelName } from './campaigns.js';
import { renderTemplate, rewriteMessage, type MessageFacts, type RenderedText } from './compose.js';
import type { Recommender } from './recommend.js';
import { itemsOf, type Firing } from './triggers.js';

/** Longest SMS text a campaign sends (two segments). */
export const SMS_MAX_CHARS = 320;

/** True for the chat channels (web chat, Slack, Teams): conversational messages with a stop link, no subject. */
export function isChatChannel(channel: EngagementChannelName): boolean {
  return channel === 'webchat' || channel === 'slack' || channel === 'teams';
}

/** A personalised message, ready to send. */
export interface ComposedMessage {
  subject: string | null;
  text: string;
  /** Original links of the message by index; the text holds their tracked redirects. */
  links: string[];
  rewritten: boolean;
  /** Why a model's rewrite was refused (the template text went out). */
  rejected: string[];
}

/** Where the tracked URLs of one send point (without `PUBLIC_URL`, links go out untracked). */
export interface TrackedUrls {
  link(index: number): string;
  unsubscribe: string;
  pixel: string;
}

/** The facts a message may state about `customer` for `firing` (pure, apart from the recommender). */
export function factsFor(input: {
  customer: CustomerRecord;
  events: readonly CustomerEvent[];
  firing: Firing;
  campaign: Campaign;
  config: CampaignsConfig;
  recommender: Recommender | undefined;
  link: string | undefined;
}): MessageFacts {
  const { customer, events, firing, campaign, config } = input;
  const name = customer.name ?? (typeof customer.attributes.name === 'string' ? customer.attributes.name : '');
  const firstName = typeof customer.attributes.firstName === 'string' ? customer.attributes.firstName : name.split(/\s+/)[0] || 'there';
  const orders = events.filter((e) => e.type === 'order');
  const bought = orders.flatMap(itemsOf);
  const seeds = [...firing.products.map((p) => p.id), ...bought.map((p) => p.id)];
  const recommendations = input.recommender?.recommend(seeds, campaign.recommendations, new Set(bought.map((p) => p.id))).map((r) => r.name) ?? [];
  const lastOrder = orders.at(-1);
  const scope = customer.scope ? config.scopes[customer.scope] : undefined;
  return {
    firstName,
    name: name || firstName,
    products: firing.products.map((p) => p.name),
    ...(firing.orderId ? { orderId: firing.orderId } : {}),
    recommendations,
    ...(lastOrder ? { lastOrder: itemsOf(lastOrder).map((p) => p.name).join(', ') || String(lastOrder.data.orderId ?? '') } : {}),
    orderCount: orders.length,
    ...(input.link ? { link: input.link } : {}),
    ...((scope?.brand ?? config.defaults.brand) ? { brand: scope?.brand ?? config.defaults.brand } : {}),
    ...(firing.days !== undefined ? { days: firing.days } : {}),
    attributes: customer.attributes,
  };
}

/**
 * Writes one customer's message: the variant's template (the customer's scope's wording when it has one) filled from
 * their facts, then — with a chat model and `rewrite` on — the model's rewrite, kept only when it states every fact
 * and adds none. E-mails end with an unsubscribe link; SMS with "Reply STOP to opt out"; chat messages (web chat,
 * Slack, Teams; `chat` wording when the variant has one) with a link that stops them.
 */
export async function composeMessage(input: {
  campaign: Campaign;
  variant: string;
  channel: EngagementChannelName;
  customer: CustomerRecord;
  facts: MessageFacts;
  urls: TrackedUrls | undefined;
  chatModel: BaseChatModel | undefined;
  rewriteTimeoutMs: number;
}): Promise<ComposedMessage> {
  const { campaign, channel, customer } = input;
  const variant = campaign.variants.find((v) => v.name === input.variant) ?? campaign.variants[0]!;
  const wording = (customer.scope && variant.scopes?.[customer.scope]) || variant;
  const links = campaign.link ? [campaign.link] : [];
  const facts: MessageFacts = { ...input.facts, ...(campaign.link ? { link: input.urls ? input.urls.link(0) : campaign.link } : {}) };
  const chat = isChatChannel(channel);
  const template = channel === 'sms' ? (wording.sms ?? wording.text) : chat ? (wording.chat ?? wording.text) : wording.text;
  const body: RenderedText = renderTemplate(template, facts);
  const subject = channel === 'email' && wording.subject ? renderTemplate(wording.subject, facts).text : null;
  let text = body.text;
  let rewritten = false;
  let rejected: string[] = [];
  if (input.chatModel && campaign.rewrite) {
    const result = await rewriteMessage(input.chatModel, body, { timeoutMs: input.rewriteTimeoutMs, ...(channel === 'sms' ? { maxChars: SMS_MAX_CHARS - 30 } : {}) });
    ({ text, rewritten, rejected } = result);
  }
  if (channel === 'sms' && !/\bSTOP\b/.test(text)) text = `${text} Reply STOP to opt out.`;
  if (channel === 'email' && input.urls) text = `${text}\n\n--\nYou get this because you opted in to e-mails from us. Unsubscribe: ${input.urls.unsubscribe}`;
  if (chat && input.urls) text = `${text}\n\nYou get this because you opted in to messages from us here. Stop them: ${input.urls.unsubscribe}`;
  return { subject, text, links, rewritten, rejected };
}
