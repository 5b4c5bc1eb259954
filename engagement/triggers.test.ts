import type { ConsentRecord, ConversationRecord, CustomerEvent, CustomerRecord } from '../bot/core/index.js';
import { assignVariant, chooseDestination, evaluateTrigger, parseCampaigns, quietUntil, type CampaignTrigger } from './index.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const event = (type: string, hours: number, data: Record<string, unknown>, id = `${type}-${hours}`): CustomerEvent => ({ id, customerId: 'c1', type, at: hoursAgo(hours), data });
const trigger = (value: Partial<CampaignTrigger> & { type: CampaignTrigger['type'] }): CampaignTrigger => ({ lookbackDays: 14, ...value });
const fire = (t: CampaignTrigger, events: CustomerEvent[], extra: { productEvents?: CustomerEvent[]; conversations?: ConversationRecord[] } = {}) =>
  evaluateTrigger(t, { events, productEvents: extra.productEvents ?? [], conversations: extra.conversations ?? [], now: NOW });
const items = [{ id: 'tee-navy', name: 'Classic Tee in Navy' }];

describe('campaign triggers', () => {
  it('abandoned cart: an old enough cart without a later order, once per cart', () => {
    const cart = event('cart', 6, { cartId: 'K1', items });
    expect(fire(trigger({ type: 'abandoned_cart', afterHours: 4 }), [cart])).toEqual([expect.objectContaining({ key: 'cart:K1', products: items })]);
    expect(fire(trigger({ type: 'abandoned_cart', afterHours: 8 }), [cart])).toEqual([]);
    expect(fire(trigger({ type: 'abandoned_cart', afterHours: 4 }), [cart, event('order', 2, { orderId: 'O1', cartId: 'K1', items })])).toEqual([]);
  });

  it('post-purchase check-in after N days, not for a returned order', () => {
    const order = event('order', 80, { orderId: 'O1', items });
    expect(fire(trigger({ type: 'post_purchase', afterDays: 3 }), [order])).toEqual([expect.objectContaining({ key: 'order:O1', orderId: 'O1' })]);
    expect(fire(trigger({ type: 'post_purchase', afterDays: 3 }), [order, event('return', 10, { orderId: 'O1' })])).toEqual([]);
  });

  it('delivery delayed: a delayed shipment, or an order past its expected delivery and not delivered', () => {
    const order = event('order', 100, { orderId: 'O1', items, expectedDeliveryAt: hoursAgo(5) });
    expect(fire(trigger({ type: 'delivery_delayed' }), [order])).toEqual([expect.objectContaining({ key: 'delay:O1' })]);
    expect(fire(trigger({ type: 'delivery_delayed' }), [order, event('shipment', 4, { orderId: 'O1', status: 'delivered' })])).toEqual([]);
    const plain = event('order', 100, { orderId: 'O2', items });
    expect(fire(trigger({ type: 'delivery_delayed' }), [plain, event('shipment', 3, { orderId: 'O2', status: 'delayed' })])).toEqual([expect.objectContaining({ key: 'delay:O2', products: items })]);
  });

  it('back in stock: a watched product restocked after the watch', () => {
    const watch = event('watch', 50, { productId: 'tee-navy', productName: 'Classic Tee in Navy' });
    const restock: CustomerEvent = { id: 'r1', customerId: null, type: 'restock', at: hoursAgo(1), data: { productId: 'tee-navy' } };
    expect(fire(trigger({ type: 'back_in_stock' }), [watch], { productEvents: [restock] })).toEqual([expect.objectContaining({ products: [{ id: 'tee-navy', name: 'Classic Tee in Navy' }] })]);
    expect(fire(trigger({ type: 'back_in_stock' }), [watch], { productEvents: [{ ...restock, at: hoursAgo(60) }] })).toEqual([]);
  });

  it('re-engagement after N days without activity, keyed by the last activity', () => {
    const order = event('order', 24 * 40, { orderId: 'O1', items });
    const [firing] = fire(trigger({ type: 're_engagement', afterDays: 30 }), [order]);
    expect(firing).toMatchObject({ key: `dormant:${order.at}`, days: 40 });
    expect(fire(trigger({ type: 're_engagement', afterDays: 30 }), [order, event('visit', 24, {})])).toEqual([]);
  });

  it('unresolved conversation: a conversation event left unresolved, or a Parley conversation still waiting for a person', () => {
    expect(fire(trigger({ type: 'unresolved_conversation', afterHours: 24 }), [event('conversation', 30, { conversationId: 'Z1', resolved: false })])).toEqual([expect.objectContaining({ key: 'conversation:Z1' })]);
    expect(fire(trigger({ type: 'unresolved_conversation', afterHours: 24 }), [event('conversation', 30, { conversationId: 'Z1', resolved: false }), event('conversation', 20, { conversationId: 'Z1', resolved: true })])).toEqual([]);
    const waiting = { id: 'conv-1', userId: 'a@x.example', channel: 'email', status: 'needs_human', handoffReason: 'customer_request', metadata: {}, createdAt: hoursAgo(40), updatedAt: hoursAgo(30) } as ConversationRecord;
    expect(fire(trigger({ type: 'unresolved_conversation', afterHours: 24 }), [], { conversations: [waiting] })).toEqual([expect.objectContaining({ key: 'conversation:conv-1' })]);
  });
});

describe('delivery policy', () => {
  const customer: CustomerRecord = {
    id: 'c1',
    scope: null,
    name: 'Alice',
    timezone: null,
    attributes: {},
    identities: [
      { kind: 'email', value: 'alice@example.com' },
      { kind: 'phone', value: '+14155550100' },
    ],
    createdAt: '',
    updatedAt: '',
  };
  const consent = (channel: string, status: ConsentRecord['status']): ConsentRecord => ({ customerId: 'c1', channel, status, source: 'import', updatedAt: '' });
  const never = async () => false;

  it('sends only on a channel the customer opted into, and nothing after an opt-out everywhere or a channel opt-out', async () => {
    expect(await chooseDestination(['email', 'sms'], customer, [], never)).toBe('no_consent');
    expect(await chooseDestination(['email', 'sms'], customer, [consent('sms', 'opted_in')], never)).toEqual({ channel: 'sms', address: '+14155550100' });
    expect(await chooseDestination(['email', 'sms'], customer, [consent('email', 'opted_in'), consent('*', 'opted_out')], never)).toBe('opted_out');
    expect(await chooseDestination(['sms'], customer, [consent('sms', 'opted_in')], async (channel) => channel === 'sms')).toBe('opted_out');
    expect(await chooseDestination(['email'], { ...customer, identities: [] }, [consent('email', 'opted_in')], never)).toBe('no_address');
  });

  it('addresses chat channels by their user ids, and skips a channel that cannot reach the customer for the next one', async () => {
    const chatty = { ...customer, identities: [...customer.identities, { kind: 'teams' as const, value: '29:alice' }, { kind: 'slack' as const, value: 'U0ALICE001' }] };
    const consents = [consent('teams', 'opted_in'), consent('slack', 'opted_in')];
    expect(await chooseDestination(['teams', 'slack'], chatty, consents, never)).toEqual({ channel: 'teams', address: '29:alice' });
    const noTeamsReference = async (channel: string) => channel !== 'teams';
    expect(await chooseDestination(['teams', 'slack'], chatty, consents, never, noTeamsReference)).toEqual({ channel: 'slack', address: 'U0ALICE001' });
    expect(await chooseDestination(['teams'], chatty, consents, never, noTeamsReference)).toBe('unreachable');
    expect(await chooseDestination(['webchat'], chatty, consents, never)).toBe('no_address');
    // An opt-out is checked before reachability: the reason stays opted_out.
    expect(await chooseDestination(['teams'], chatty, [consent('teams', 'opted_out')], never, noTeamsReference)).toBe('opted_out');
  });

  it("finds quiet hours in the customer's time zone, across midnight", () => {
    const quiet = { start: '21:00', end: '08:00' };
    // 12:00 UTC is 21:00 in Tokyo (quiet until 08:00 JST = 23:00 UTC), 05:00 in Los Angeles (PDT since 8 March:
    // quiet until 15:00 UTC) and 08:00 in New York (EDT: quiet hours just ended).
    expect(quietUntil(NOW, 'Asia/Tokyo', quiet)?.toISOString()).toBe('2026-03-10T23:00:00.000Z');
    expect(quietUntil(NOW, 'America/Los_Angeles', quiet)?.toISOString()).toBe('2026-03-10T15:00:00.000Z');
    expect(quietUntil(NOW, 'America/New_York', quiet)).toBeUndefined();
    expect(quietUntil(NOW, 'Europe/Paris', quiet)).toBeUndefined();
    expect(quietUntil(NOW, 'Asia/Tokyo', undefined)).toBeUndefined();
  });

  it('assigns variants and the holdout by a stable hash, near their weights', () => {
    const config = parseCampaigns({ campaigns: [{ name: 'c', trigger: { type: 'post_purchase' }, channels: ['sms'], holdout: 0.2, variants: [{ name: 'A', text: 'a' }, { name: 'B', text: 'b', weight: 3 }] }] });
    const campaign = config.campaigns[0]!;
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) counts[assignVariant(campaign, `cust-${i}`)] = (counts[assignVariant(campaign, `cust-${i}`)] ?? 0) + 1;
    expect(counts.holdout! / 4000).toBeCloseTo(0.2, 1);
    expect(counts.B! / counts.A!).toBeGreaterThan(2.5);
    expect(counts.B! / counts.A!).toBeLessThan(3.5);
    expect(assignVariant(campaign, 'cust-7')).toBe(assignVariant(campaign, 'cust-7'));
  });
});
