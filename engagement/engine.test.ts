import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationFor, silentLogger, type Activity, type Store } from '../bot/core/index.js';
import { openStore } from '../bot/storage/index.js';
import { ScriptedChatModel } from '../knowledge/generation/testing/index.js';
import { EngagementEngine, parseCampaigns, sendId, type EngagementChannel } from './index.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

/** A channel that records what it sends, as the composition root's channels do (conversation by address). */
function recordingChannel(store: Store, name: string): EngagementChannel & { sent: { activity: Activity; address: string }[] } {
  const sent: { activity: Activity; address: string }[] = [];
  return {
    channel: name,
    sent,
    conversationFor: async ({ address }) => (await conversationFor(store, { channel: name, key: address, userId: address })).id,
    isOptedOut: async () => false,
    async deliver(activity, address) {
      sent.push({ activity, address });
      return [`msg-${sent.length}`];
    },
  };
}

const campaigns = parseCampaigns({
  scopes: { outlet: { emailFrom: 'Outlet <hi@outlet.example>', smsFrom: '+14155550199' } },
  campaigns: [
    {
      name: 'cart',
      trigger: { type: 'abandoned_cart', afterHours: 1 },
      channels: ['email'],
      frequencyCap: { max: 1, days: 7 },
      variants: [{ name: 'A', subject: 'Your {{product}}', text: 'Hi {{firstName}}, your {{products}} wait in your cart.' }],
    },
    {
      name: 'nudge',
      trigger: { type: 'abandoned_cart', afterHours: 1 },
      channels: ['slack', 'sms'],
      variants: [{ name: 'A', text: 'Hi {{firstName}}, your {{products}} wait.', chat: 'Hi {{firstName}} — your {{products}} wait in your cart.' }],
    },
  ],
});

describe('the engagement engine', () => {
  let home: string;
  let store: Store;
  let email: ReturnType<typeof recordingChannel>;
  const engine = (model?: ScriptedChatModel) =>
    new EngagementEngine({ store, campaigns, channels: { email }, publicUrl: 'https://bot.example', secret: 's'.repeat(32), logger: silentLogger, quietHours: undefined, ...(model ? { chatModel: async () => model } : {}) });

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-engine-'));
    store = await openStore({ home });
    email = recordingChannel(store, 'email');
  });

  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  async function customer(address: string, cartId: string, scope?: string) {
    const stored = await store.engagement.upsertCustomer({ identities: [{ kind: 'email', value: address }], name: 'Ann Lee', ...(scope ? { scope } : {}) });
    await store.engagement.setConsent({ customerId: stored.id, channel: 'email', status: 'opted_in', source: 'test' });
    await store.engagement.addEvents([{ id: `cart-${cartId}`, customerId: stored.id, type: 'cart', at: hoursAgo(3), data: { cartId, items: [{ id: 'p1', name: 'Classic Tee in Navy' }] } }]);
    return stored;
  }

  it('sends a message that a stopped run already put in the outbox only through the outbox, never again itself', async () => {
    const ann = await customer('ann@example.com', 'K1');
    await engine().plan('cart', { now: NOW });
    const id = sendId('cart', ann.id, 'cart:K1');
    // A run recorded the message in the outbox, then its process died (the lease expired) before it sent it.
    const [claimed] = await store.engagement.claimDueSends({ now: NOW.toISOString(), owner: 'dead', leaseMs: 1, limit: 1 });
    const conversationId = await email.conversationFor({ customer: ann, address: 'ann@example.com', sendId: id, subject: null });
    await store.recordReply({ inboxId: `engage:${id}`, index: 0, activity: { id: 'a1', type: 'message', channel: 'email', conversationId, from: { id: 'parley', role: 'bot' }, text: 'Hi Ann', timestamp: NOW.toISOString() } });
    await store.engagement.updateSend(claimed!.id, { conversationId, text: 'Hi Ann', subject: 'Your Classic Tee in Navy', channel: 'email' });
    const pass = await engine().deliverDue({ now: new Date(NOW.getTime() + 1000) });
    expect(pass.queued).toBe(1);
    expect(email.sent).toHaveLength(0);
    expect((await store.listPendingOutbound(10)).map((r) => r.activity.text)).toEqual(['Hi Ann']);
    expect(await store.engagement.getSend(id)).toMatchObject({ status: 'queued' });
  });

  it('starts no further send once the job that runs the pass lost its lease, and another pass takes them over later', async () => {
    await customer('ann@example.com', 'K1');
    await customer('bo@example.com', 'K2');
    await engine().plan('cart', { now: NOW });
    const aborted = new AbortController();
    aborted.abort();
    expect(await engine().deliverDue({ now: NOW, signal: aborted.signal })).toEqual({ queued: 0, skipped: 0, deferred: 0, failed: 0 });
    expect(email.sent).toHaveLength(0);
    expect((await store.engagement.listSends({ campaign: 'cart' })).map((s) => s.status)).toEqual(['sending', 'sending']);
    // Within the claims' lease (60 s) nobody takes them; after it, the next pass does, once each.
    expect((await engine().deliverDue({ now: new Date(NOW.getTime() + 30_000) })).queued).toBe(0);
    expect((await engine().deliverDue({ now: new Date(NOW.getTime() + 61_000) })).queued).toBe(2);
    expect((await engine().deliverDue({ now: new Date(NOW.getTime() + 200_000) })).queued).toBe(0);
    expect(email.sent).toHaveLength(2);
  });

  it('skips an occasion that no longer holds, and caps messages per customer', async () => {
    const ann = await customer('ann@example.com', 'K1');
    await engine().plan('cart', { now: NOW });
    await store.engagement.addEvents([{ id: 'order-1', customerId: ann.id, type: 'order', at: hoursAgo(2), data: { orderId: 'O1', cartId: 'K1' } }]);
    expect(await engine().deliverDue({ now: NOW })).toMatchObject({ skipped: 1, queued: 0 });
    expect(await store.engagement.getSend(sendId('cart', ann.id, 'cart:K1'))).toMatchObject({ status: 'skipped', reason: 'no_longer_applies' });

    await store.engagement.addEvents([{ id: 'cart-K2', customerId: ann.id, type: 'cart', at: hoursAgo(1.5), data: { cartId: 'K2', items: [{ id: 'p2', name: 'Breton Band Tee' }] } }]);
    await engine().plan('cart', { now: NOW });
    expect(await engine().deliverDue({ now: NOW })).toMatchObject({ queued: 1 });
    await store.engagement.addEvents([{ id: 'cart-K3', customerId: ann.id, type: 'cart', at: hoursAgo(1.2), data: { cartId: 'K3', items: [{ id: 'p3', name: 'Wool Scarf' }] } }]);
    await engine().plan('cart', { now: NOW });
    expect(await engine().deliverDue({ now: NOW })).toMatchObject({ skipped: 1 });
    expect(await store.engagement.getSend(sendId('cart', ann.id, 'cart:K3'))).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });
    expect(email.sent).toHaveLength(1);
  });

  it("sends from the scope's own address, with unsubscribe headers and the pixel, and keeps the template when a rewrite invents", async () => {
    await customer('ann@outlet.example', 'K9', 'outlet');
    const inventing = new ScriptedChatModel({ respond: () => 'Hi Ann, your Classic Tee in Navy waits in your cart, now 30% off until Sunday.' });
    await engine(inventing).plan('cart', { now: NOW });
    await engine(inventing).deliverDue({ now: NOW });
    expect(email.sent).toHaveLength(1);
    const activity = email.sent[0]!.activity;
    expect(activity.text).toMatch(/^Hi Ann, your Classic Tee in Navy wait in your cart\.\n\n--\n.*Unsubscribe: https:\/\/bot\.example\/e\/u\//s);
    expect(activity.outbound).toMatchObject({ subject: 'Your Classic Tee in Navy', from: 'Outlet <hi@outlet.example>', headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } });
    expect(activity.outbound?.trackingPixelUrl).toMatch(/^https:\/\/bot\.example\/e\/o\//);
    const [send] = await store.engagement.listSends({ campaign: 'cart' });
    expect(send?.payload.rewritten).toBe(false);
    expect(String(send?.payload.rejected)).toMatch(/invented number 30/);
  });

  it("writes chat wording with a stop link on chat channels, holds what a channel holds, and texts from the scope's own number", async () => {
    const slack = recordingChannel(store, 'slack');
    const sms = recordingChannel(store, 'twilio');
    const chatEngine = new EngagementEngine({ store, campaigns, channels: { slack: { ...slack, confirmsDelivery: true }, sms }, publicUrl: 'https://bot.example', secret: 's'.repeat(32), logger: silentLogger, quietHours: undefined });
    const sam = await store.engagement.upsertCustomer({ identities: [{ kind: 'slack', value: 'U0SAM00001' }], name: 'Sam Ortiz' });
    const otto = await store.engagement.upsertCustomer({ identities: [{ kind: 'phone', value: '+14155550177' }], name: 'Otto Lind', scope: 'outlet' });
    await store.engagement.setConsent({ customerId: sam.id, channel: 'slack', status: 'opted_in', source: 'test' });
    await store.engagement.setConsent({ customerId: otto.id, channel: 'sms', status: 'opted_in', source: 'test' });
    for (const [who, cartId] of [[sam, 'S1'], [otto, 'O1']] as const) {
      await store.engagement.addEvents([{ id: `cart-${cartId}`, customerId: who.id, type: 'cart', at: hoursAgo(3), data: { cartId, items: [{ id: 'p1', name: 'Classic Tee in Navy' }] } }]);
    }
    await chatEngine.plan('nudge', { now: NOW });
    expect(await chatEngine.deliverDue({ now: NOW })).toEqual({ queued: 2, skipped: 0, deferred: 0, failed: 0 });
    const dm = slack.sent[0]!;
    expect(dm.address).toBe('U0SAM00001');
    expect(dm.activity.text).toMatch(/^Hi Sam — your Classic Tee in Navy wait in your cart\.\n\nYou get this because you opted in to messages from us here\. Stop them: https:\/\/bot\.example\/e\/u\/snd_/);
    expect(dm.activity.outbound).toBeUndefined();
    const samSend = await store.engagement.getSend(sendId('nudge', sam.id, 'cart:S1'));
    expect(samSend).toMatchObject({ channel: 'slack', status: 'queued' });
    expect(await store.engagement.listSignals([samSend!.id])).toEqual([expect.objectContaining({ kind: 'delivered' })]);
    // The outlet's customer gets the SMS wording (the variant's text) from the outlet's number; no delivery confirmed yet.
    expect(sms.sent[0]!.activity.outbound).toEqual({ from: '+14155550199' });
    expect(sms.sent[0]!.activity.text).toBe('Hi Otto, your Classic Tee in Navy wait. Reply STOP to opt out.');

    // A channel that holds the message (web chat with no socket open) leaves it pending in the outbox.
    const held = { ...recordingChannel(store, 'webchat'), deliver: async () => 'held' as const };
    const heldEngine = new EngagementEngine({ store, campaigns: parseCampaigns({ campaigns: [{ name: 'web', trigger: { type: 'abandoned_cart', afterHours: 1 }, channels: ['webchat'], variants: [{ name: 'A', text: 'Hi {{firstName}}' }] }] }), channels: { webchat: held }, publicUrl: 'https://bot.example', secret: 's'.repeat(32), logger: silentLogger, quietHours: undefined });
    const wendy = await store.engagement.upsertCustomer({ identities: [{ kind: 'webchat', value: 'user-wendy' }], name: 'Wendy Park' });
    await store.engagement.setConsent({ customerId: wendy.id, channel: 'webchat', status: 'opted_in', source: 'test' });
    await store.engagement.addEvents([{ id: 'cart-W1', customerId: wendy.id, type: 'cart', at: hoursAgo(3), data: { cartId: 'W1', items: [{ id: 'p1', name: 'Classic Tee in Navy' }] } }]);
    await heldEngine.plan('web', { now: NOW });
    expect(await heldEngine.deliverDue({ now: NOW })).toMatchObject({ queued: 1 });
    const send = await store.engagement.getSend(sendId('web', wendy.id, 'cart:W1'));
    expect(send).toMatchObject({ status: 'queued', reason: 'held_until_customer_returns' });
    expect((await store.listUndeliveredFor(send!.conversationId!)).map((o) => o.status)).toEqual(['pending']);
  });
});
