import { createHash, createHmac } from 'node:crypto';
import { safeEqual, type ConsentRecord, type CustomerRecord, type IdentityKind } from '../bot/core/index.js';
import type { Campaign, EngagementChannelName } from './campaigns.js';

/** Where a send goes: its channel and the customer's address there. */
export interface Destination {
  channel: EngagementChannelName;
  address: string;
}

/**
 * Why a customer gets nothing on any of a campaign's channels; `unreachable`: an address, but the channel cannot start
 * a conversation there (Teams without a conversation reference, web chat without an earlier conversation).
 */
export type SkipReason = 'opted_out' | 'no_consent' | 'no_address' | 'unreachable' | 'frequency_cap';

/** The identity that is a customer's address on each engagement channel. */
export const ADDRESS_KIND: Readonly<Record<EngagementChannelName, IdentityKind>> = { email: 'email', sms: 'phone', webchat: 'webchat', slack: 'slack', teams: 'teams' };

/**
 * The first of `channels` the customer may be sent marketing on: they have an address there (see {@link ADDRESS_KIND}:
 * an e-mail identity for `email`, a phone for `sms`, the web chat / Slack / Teams user id), opted in on that channel,
 * opted out neither there nor everywhere (`*`), nor with the channel itself (`isOptedOut`: SMS STOP, an e-mail
 * unsubscribe recorded by the channel), and the channel can reach that address (`reachable`; default yes).
 */
export async function chooseDestination(
  channels: readonly EngagementChannelName[],
  customer: CustomerRecord,
  consents: readonly ConsentRecord[],
  isOptedOut: (channel: EngagementChannelName, address: string) => Promise<boolean>,
  reachable: (channel: EngagementChannelName, address: string) => Promise<boolean> = () => Promise.resolve(true),
): Promise<Destination | SkipReason> {
  const consent = (channel: string) => consents.find((c) => c.channel === channel)?.status;
  if (consent('*') === 'opted_out') return 'opted_out';
  let reason: SkipReason = 'no_address';
  for (const channel of channels) {
    const address = customer.identities.find((i) => i.kind === ADDRESS_KIND[channel])?.value;
    if (!address) continue;
    if (consent(channel) === 'opted_out' || (await isOptedOut(channel, address))) {
      reason = 'opted_out';
      continue;
    }
    if (consent(channel) !== 'opted_in') {
      if (reason !== 'opted_out') reason = 'no_consent';
      continue;
    }
    if (!(await reachable(channel, address))) {
      if (reason === 'no_address') reason = 'unreachable';
      continue;
    }
    return { channel, address };
  }
  return reason;
}

const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** Minutes since local midnight of `at` in `timeZone`. */
export function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/**
 * When the quiet hours `quiet` (local clock times; `start` after `end` spans midnight) that `at` falls in end, in the
 * customer's `timeZone`; undefined when `at` is outside them.
 */
export function quietUntil(at: Date, timeZone: string, quiet: { start: string; end: string } | undefined): Date | undefined {
  if (!quiet) return undefined;
  const now = localMinutes(at, timeZone);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start <= end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return undefined;
  const wait = (end - now + 1440) % 1440;
  const next = new Date(at.getTime() + wait * 60_000);
  next.setUTCSeconds(0, 0);
  return next;
}

/** A number in [0, 1) from `parts`, the same every time (variant and holdout assignment). */
export function stableFraction(...parts: string[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0) / 2 ** 32;
}

/** The holdout group (`holdout`) or the variant a customer gets in a campaign: by a stable hash, so re-runs agree. */
export function assignVariant(campaign: Campaign, customerId: string): string {
  if (stableFraction(campaign.name, customerId, 'holdout') < campaign.holdout) return 'holdout';
  const total = campaign.variants.reduce((sum, v) => sum + v.weight, 0);
  let point = stableFraction(campaign.name, customerId, 'variant') * total;
  for (const variant of campaign.variants) {
    point -= variant.weight;
    if (point < 0) return variant.name;
  }
  return campaign.variants.at(-1)!.name;
}

/** The id of a campaign's send for one occasion: scheduling it again is a no-op (deduplication). */
export function sendId(campaign: string, customerId: string, triggerKey: string): string {
  return `snd_${createHash('sha256').update(`${campaign}\u0000${customerId}\u0000${triggerKey}`).digest('base64url').slice(0, 24)}`;
}

/** A signed token naming a send (tracking links, pixel, unsubscribe): `<sendId>.<hmac>`, unguessable without the secret. */
export function trackingToken(secret: string, id: string): string {
  return `${id}.${createHmac('sha256', secret).update(id).digest('base64url').slice(0, 22)}`;
}

/** The send id of a valid {@link trackingToken}, or undefined. */
export function verifyTrackingToken(secret: string, token: string): string | undefined {
  const id = token.slice(0, token.lastIndexOf('.'));
  return id && safeEqual(trackingToken(secret, id), token) ? id : undefined;
}
