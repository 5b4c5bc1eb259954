import type { Activity, Source } from '../../bot/core/index.js';
import { absoluteUrl, escapeSlack, formatReply, splitText, type SlackBlock } from './format.js';

const PAST_QUESTION = 'Hi, I am Jane Roe, my card 4111 was charged twice';
const cited = (id: string, title?: string, url?: string): Source => ({ id, score: 0.9, metadata: { question: PAST_QUESTION }, ...(title ? { title } : {}), ...(url ? { url } : {}) });
const reply = (overrides: Partial<Activity> = {}): Activity => ({
  id: 'act_1',
  type: 'message',
  channel: 'slack',
  conversationId: 'conv_1',
  from: { id: 'parley', role: 'bot' },
  text: 'Refunds reach your card within 5–10 business days.',
  timestamp: new Date().toISOString(),
  action: 'answer',
  sources: [],
  ...overrides,
});
const ofType = (blocks: SlackBlock[], type: string) => blocks.filter((b) => b.type === type) as unknown as Record<string, unknown>[];

describe('formatReply', () => {
  it('puts the text in a section and in the notification text, escaped', () => {
    const message = formatReply(reply({ text: 'Use code <SAVE10> & save' }));
    expect(message.text).toBe('Use code &lt;SAVE10&gt; &amp; save');
    expect(message.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'Use code &lt;SAVE10&gt; &amp; save' } }]);
  });

  it('splits long text into sections within Slack’s 3,000-character limit, never inside an escape', () => {
    const text = `${'word '.repeat(700)}${'&'.repeat(900)}`;
    const message = formatReply(reply({ text }));
    const sections = ofType(message.blocks, 'section').map((b) => (b.text as { text: string }).text);
    expect(sections.length).toBeGreaterThan(1);
    for (const chunk of sections) {
      expect(chunk.length).toBeLessThanOrEqual(3000);
      expect(chunk.replace(/&amp;/g, '')).not.toContain('&');
    }
    expect(sections.join('').replace(/\s/g, '')).toBe(escapeSlack(text).replace(/\s/g, ''));
  });

  it('renders quick replies as buttons whose block names the conversation', () => {
    const message = formatReply(reply({ quickReplies: ['Where is my order?', 'x'.repeat(100)] }), { conversationKey: 'T1:D1' });
    const [actions] = ofType(message.blocks, 'actions');
    expect(actions).toMatchObject({ type: 'actions', block_id: 'parley_qr:T1:D1' });
    const buttons = actions!.elements as Record<string, unknown>[];
    expect(buttons[0]).toEqual({ type: 'button', action_id: 'parley_quick_reply_0', text: { type: 'plain_text', text: 'Where is my order?', emoji: true }, value: 'Where is my order?' });
    expect((buttons[1]!.text as { text: string }).text).toHaveLength(75);
    expect(buttons[1]!.value).toBe('x'.repeat(100));
  });

  it('shows images as image blocks with absolute URLs; other formats as links; unresolvable ones not at all', () => {
    const images = [
      { url: '/assets/jacket.png', alt: 'Navy jacket' },
      { url: 'https://cdn.example.com/a.JPG', alt: '' },
      { url: '/assets/size-chart.svg', alt: 'Size chart' },
      { url: 'data:image/png;base64,AAAA', alt: 'inline' },
    ];
    const message = formatReply(reply({ images }), { publicUrl: 'https://bot.example.com' });
    expect(ofType(message.blocks, 'image')).toEqual([
      { type: 'image', image_url: 'https://bot.example.com/assets/jacket.png', alt_text: 'Navy jacket' },
      { type: 'image', image_url: 'https://cdn.example.com/a.JPG', alt_text: 'image' },
    ]);
    expect(ofType(message.blocks, 'section').map((b) => (b.text as { text: string }).text)).toContain('<https://bot.example.com/assets/size-chart.svg|Size chart>');
    expect(ofType(formatReply(reply({ images })).blocks, 'image')).toHaveLength(1);
  });

  it('lists the sources (title and link only) in a context block numbered as the reply\'s markers', () => {
    const message = formatReply(
      reply({ text: 'Refunds take 5 days [3]. Exchanges are free [1].', sources: [cited('NWT-1044', 'Refund policy', 'https://shop.example/refunds'), cited('doc-7')] }),
    );
    expect(message.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: '[1] <https://shop.example/refunds|Refund policy>' },
        { type: 'mrkdwn', text: '[2] Help article' },
      ],
    });
    expect(message.text).toBe('Refunds take 5 days [1]. Exchanges are free [2].');
    expect(JSON.stringify(message)).not.toContain('Jane Roe');
  });

  it('removes markers that point at no listed source', () => {
    expect(formatReply(reply({ text: 'Refunds take 5 days [1].' })).text).toBe('Refunds take 5 days.');
  });

  it('keeps within 50 blocks, quick replies and sources included', () => {
    const images = Array.from({ length: 60 }, (_, i) => ({ url: `https://cdn.example.com/${i}.png`, alt: `${i}` }));
    const message = formatReply(reply({ images, quickReplies: ['a'], sources: [{ id: 's', score: 1, metadata: {} }] }));
    expect(message.blocks).toHaveLength(50);
    expect(message.blocks.slice(-2).map((b) => b.type)).toEqual(['actions', 'context']);
  });
});

describe('helpers', () => {
  it('absoluteUrl resolves relative URLs against the public origin and keeps only http(s)', () => {
    expect(absoluteUrl('/a.png', 'https://bot.example.com/base/')).toBe('https://bot.example.com/a.png');
    expect(absoluteUrl('a.png', 'https://bot.example.com/base')).toBe('https://bot.example.com/base/a.png');
    expect(absoluteUrl('/a.png', undefined)).toBeUndefined();
    expect(absoluteUrl('javascript:alert(1)', 'https://bot.example.com')).toBeUndefined();
  });

  it('splitText leaves short text alone and cuts at spaces', () => {
    expect(splitText('short')).toEqual(['short']);
    expect(splitText('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });
});
