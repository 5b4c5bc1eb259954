import { ScriptedChatModel } from '../knowledge/generation/testing/index.js';
import { checkRewrite, parseCampaigns, Recommender, renderTemplate, rewriteMessage, type MessageFacts } from './index.js';

const facts: MessageFacts = {
  firstName: 'Alice',
  name: 'Alice Martin',
  products: ['Classic Tee in Navy', 'Breton Band Tee'],
  recommendations: ['Long-Sleeve Tee in Charcoal'],
  orderCount: 2,
  link: 'https://bot.example/e/c/tok/0',
  attributes: { tier: 'gold' },
};

const TEMPLATE = 'Hi {{firstName}}, you left {{products}} in your cart. Finish your order here: {{link}}\nYou might also like {{recommendations}}.';

describe('personalised messages', () => {
  it('fills placeholders from the customer data and lists the facts stated', () => {
    const rendered = renderTemplate(TEMPLATE, facts);
    expect(rendered.text).toBe(
      'Hi Alice, you left Classic Tee in Navy and Breton Band Tee in your cart. Finish your order here: https://bot.example/e/c/tok/0\nYou might also like Long-Sleeve Tee in Charcoal.',
    );
    expect(rendered.facts).toEqual(expect.arrayContaining(['Alice', 'Classic Tee in Navy', 'Breton Band Tee', 'https://bot.example/e/c/tok/0', 'Long-Sleeve Tee in Charcoal']));
  });

  it('leaves out a sentence whose data is missing instead of sending a gap', () => {
    const rendered = renderTemplate(TEMPLATE, { ...facts, recommendations: [] });
    expect(rendered.text).not.toMatch(/might also like/);
    expect(rendered.text).toMatch(/^Hi Alice/);
  });

  it('keeps a rewrite that states every fact and adds none', async () => {
    const original = renderTemplate(TEMPLATE, facts);
    const model = new ScriptedChatModel({
      respond: () =>
        'Hello Alice! Your Classic Tee in Navy and Breton Band Tee are still in your cart. You can finish your order here: https://bot.example/e/c/tok/0\nYou might also like Long-Sleeve Tee in Charcoal.',
    });
    const result = await rewriteMessage(model, original, { timeoutMs: 5_000 });
    expect(result.rejected).toEqual([]);
    expect(result.rewritten).toBe(true);
    expect(result.text).toMatch(/^Hello Alice!/);
  });

  it('refuses a rewrite that invents a discount, and sends the template text', async () => {
    const original = renderTemplate(TEMPLATE, facts);
    const model = new ScriptedChatModel({
      respond: () =>
        'Hi Alice, you left Classic Tee in Navy and Breton Band Tee in your cart. Use code SAVE20 for 20% off at Acme Outlet: https://bot.example/e/c/tok/0\nYou might also like Long-Sleeve Tee in Charcoal.',
    });
    const result = await rewriteMessage(model, original, { timeoutMs: 5_000 });
    expect(result.rewritten).toBe(false);
    expect(result.text).toBe(original.text);
    expect(result.rejected).toEqual(expect.arrayContaining([expect.stringMatching(/^invented number 20/), expect.stringMatching(/^invented name (Acme|Outlet)/)]));
  });

  it('refuses a rewrite that drops a product, changes the link or fails', async () => {
    const original = renderTemplate(TEMPLATE, facts);
    expect(checkRewrite(original, 'Hi Alice, your Classic Tee in Navy is waiting: https://bot.example/e/c/tok/0. You might also like Long-Sleeve Tee in Charcoal.')).toEqual(
      expect.arrayContaining(['missing fact "Breton Band Tee"']),
    );
    expect(checkRewrite(original, `${original.text} https://evil.example/x`)).toEqual(expect.arrayContaining([expect.stringMatching(/^new link https:\/\/evil\.example/)]));
    const failing = new ScriptedChatModel({ failFirst: 5 });
    const result = await rewriteMessage(failing, original, { timeoutMs: 5_000 });
    expect(result).toMatchObject({ rewritten: false, text: original.text });
    expect(result.rejected[0]).toMatch(/^model failed/);
  });

  it('recommends from co-purchases first, then from similar catalogue items, never what was bought', () => {
    const baskets = [
      [{ id: 'tee-navy', name: 'Classic Tee in Navy' }, { id: 'chino', name: 'Slim Chino' }],
      [{ id: 'tee-navy', name: 'Classic Tee in Navy' }, { id: 'chino', name: 'Slim Chino' }],
      [{ id: 'tee-navy', name: 'Classic Tee in Navy' }, { id: 'belt', name: 'Leather Belt' }],
    ];
    const catalogue = [
      { id: 'tee-red', name: 'Classic Tee in Tomato Red', description: 'Organic cotton crew-neck T-shirt' },
      { id: 'tee-navy', name: 'Classic Tee in Navy', description: 'Organic cotton crew-neck T-shirt' },
      { id: 'scarf', name: 'Wool Scarf', description: 'Merino wool' },
    ];
    const recommender = new Recommender(baskets, catalogue);
    const picks = recommender.recommend(['tee-navy'], 3).map((p) => p.id);
    expect(picks[0]).toBe('chino');
    expect(picks).toContain('tee-red');
    expect(picks).not.toContain('scarf');
    expect(recommender.recommend(['tee-navy'], 3, new Set(['chino'])).map((p) => p.id)).not.toContain('chino');
  });

  it('a scripted model that invents, inside a campaign: the template text goes out', async () => {
    const config = parseCampaigns({ campaigns: [{ name: 'c', trigger: { type: 'post_purchase' }, channels: ['sms'], variants: [{ name: 'A', text: 'Hi {{firstName}}, how is your {{product}}?' }] }] });
    const { composeMessage } = await import('./messages.js');
    const model = new ScriptedChatModel({ respond: () => 'Hi Alice, how is your Classic Tee in Navy? It ships free with Prime until Friday.' });
    const message = await composeMessage({ campaign: config.campaigns[0]!, variant: 'A', channel: 'sms', customer: { id: 'c1', scope: null, name: 'Alice', timezone: null, attributes: {}, identities: [], createdAt: '', updatedAt: '' }, facts, urls: undefined, chatModel: model, rewriteTimeoutMs: 5_000 });
    expect(message.rewritten).toBe(false);
    expect(message.text).toBe('Hi Alice, how is your Classic Tee in Navy? Reply STOP to opt out.');
    expect(message.rejected.join(' ')).toMatch(/Prime|Friday/);
  });
});
