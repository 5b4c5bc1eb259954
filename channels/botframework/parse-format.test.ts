import type { Activity as BfActivity } from 'botbuilder';
import { ParleyError, type Activity, type Source } from '../../bot/core/index.js';
import { formatReply, imageContentType, sourcesLine } from './format.js';
import { messageAttachments, messageText, readInboundMessage, readIncomingActivity, toParleyActivity } from './parse.js';

/** A Teams channel message that @mentions the bot, shaped like the samples in Microsoft's Teams bot docs. */
const teamsChannelMessage = {
  type: 'message',
  id: '1485983408511',
  timestamp: '2017-02-01T21:10:07.437Z',
  localTimestamp: '2017-02-01T14:10:07.437-07:00',
  serviceUrl: 'https://smba.trafficmanager.net/amer/',
  channelId: 'msteams',
  from: { id: '29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ', name: 'Megan Bowen', aadObjectId: '7faf80cc-cc5d-4d70-8a3c-a5f3a6bc35d9' },
  conversation: { isGroup: true, conversationType: 'channel', id: '19:abc@thread.skype;messageid=1485983408511' },
  recipient: { id: '28:c9e8c047-2a74-40a2-b28a-b162d5f5327c', name: 'Parley' },
  textFormat: 'plain',
  text: '<at>Parley</at> how long do refunds take? cc <at>Adele Vance</at>',
  entities: [
    { type: 'mention', mentioned: { id: '28:c9e8c047-2a74-40a2-b28a-b162d5f5327c', name: 'Parley' }, text: '<at>Parley</at>' },
    { type: 'mention', mentioned: { id: '29:adele', name: 'Adele Vance' }, text: '<at>Adele Vance</at>' },
    { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web' },
  ],
  channelData: { teamsChannelId: '19:abc@thread.skype', teamsTeamId: '19:team@thread.skype', tenant: { id: 'tenant-1' } },
};

function badRequest(body: unknown): string {
  try {
    readIncomingActivity(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('bad_request');
    return (error as ParleyError).message;
  }
  throw new Error('expected bad_request');
}

describe('readIncomingActivity', () => {
  it('accepts a Teams channel message', () => {
    expect(readIncomingActivity(teamsChannelMessage).id).toBe('1485983408511');
  });

  it('accepts a conversationUpdate without id, from or text', () => {
    const { id: _id, from: _from, text: _text, ...update } = teamsChannelMessage;
    expect(() => readIncomingActivity({ ...update, type: 'conversationUpdate', membersAdded: [] })).not.toThrow();
  });

  it.each([
    ['not an object', 'hello', /JSON object/],
    ['no type', { ...teamsChannelMessage, type: undefined }, /"type"/],
    ['a relative serviceUrl', { ...teamsChannelMessage, serviceUrl: '/amer/' }, /absolute URL/],
    ['an ftp serviceUrl', { ...teamsChannelMessage, serviceUrl: 'ftp://example.com/' }, /http/],
    ['no channelId', { ...teamsChannelMessage, channelId: '' }, /channelId/],
    ['no conversation id', { ...teamsChannelMessage, conversation: {} }, /conversation\.id/],
    ['no sender', { ...teamsChannelMessage, from: undefined }, /"from"/],
    ['no recipient id', { ...teamsChannelMessage, recipient: { name: 'x' } }, /recipient\.id/],
    ['a numeric text', { ...teamsChannelMessage, text: 42 }, /"text"/],
    ['attachments not an array', { ...teamsChannelMessage, attachments: {} }, /attachments/],
    ['an id over 1,000 characters', { ...teamsChannelMessage, id: 'x'.repeat(1001) }, /longer/],
  ])('rejects %s', (_name, body, message) => {
    expect(badRequest(body)).toMatch(message);
  });
});

describe('messageText', () => {
  it("removes the bot's mention and the other mentions", () => {
    expect(messageText(teamsChannelMessage as unknown as BfActivity)).toBe('how long do refunds take? cc');
  });

  it('removes mentions without entities, with attributes, and &nbsp;', () => {
    expect(messageText({ text: '<at id="0">Parley</at>&nbsp;how   do I\nreturn?' } as BfActivity)).toBe('how do I return?');
  });

  it('is empty for no text', () => {
    expect(messageText({} as BfActivity)).toBe('');
  });
});

describe('messageAttachments', () => {
  it('keeps images by contentUrl and Teams image uploads by downloadUrl, skips the rest', () => {
    expect(
      messageAttachments([
        { contentType: 'text/html', content: '<div>hi</div>' },
        { contentType: 'image/jpeg', contentUrl: 'https://smba.example/v3/attachments/1/views/original', name: 'photo.jpg' },
        { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'shirt.PNG', content: { downloadUrl: 'https://contoso.sharepoint.com/shirt.png', fileType: 'PNG' } },
        { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'notes.docx', content: { downloadUrl: 'https://contoso.sharepoint.com/n.docx', fileType: 'docx' } },
        { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } },
        { contentType: 'image/png', contentUrl: 'file:///etc/passwd' },
        'junk',
      ]),
    ).toEqual([
      { contentType: 'image/jpeg', url: 'https://smba.example/v3/attachments/1/views/original', name: 'photo.jpg' },
      { contentType: 'image/png', url: 'https://contoso.sharepoint.com/shirt.png', name: 'shirt.PNG' },
    ]);
  });
});

describe('readInboundMessage and toParleyActivity', () => {
  const incoming = readIncomingActivity(teamsChannelMessage);

  it('reads the customer message and maps it to a Parley activity', () => {
    const message = readInboundMessage(incoming)!;
    expect(message).toEqual({
      key: '19:abc@thread.skype;messageid=1485983408511',
      messageId: '1485983408511',
      from: { id: teamsChannelMessage.from.id, name: 'Megan Bowen' },
      text: 'how long do refunds take? cc',
      attachments: [],
      timestamp: '2017-02-01T21:10:07.437Z',
    });
    const activity = toParleyActivity(message, 'conv_1', incoming);
    expect(activity).toMatchObject({
      type: 'message',
      channel: 'botframework',
      channelMessageId: '19:abc@thread.skype;messageid=1485983408511|1485983408511',
      conversationId: 'conv_1',
      from: { id: teamsChannelMessage.from.id, role: 'customer', name: 'Megan Bowen' },
      text: 'how long do refunds take? cc',
      timestamp: '2017-02-01T21:10:07.437Z',
    });
    expect(activity.raw).toBe(incoming);
    expect(activity.attachments).toBeUndefined();
  });

  it('reads an image without text', () => {
    const photo = readIncomingActivity({ ...teamsChannelMessage, text: '', attachments: [{ contentType: 'image/png', contentUrl: 'https://x.example/p.png' }] });
    expect(readInboundMessage(photo)).toMatchObject({ text: '', attachments: [{ contentType: 'image/png', url: 'https://x.example/p.png' }] });
  });

  it('has nothing to answer in a bare mention', () => {
    expect(readInboundMessage(readIncomingActivity({ ...teamsChannelMessage, text: '<at>Parley</at>' }))).toBeUndefined();
  });

  it('refuses text over 4,000 characters', () => {
    expect(() => readInboundMessage(readIncomingActivity({ ...teamsChannelMessage, text: 'a'.repeat(4001) }))).toThrow(expect.objectContaining({ code: 'text_too_long' }));
  });

  it('uses the current time for a missing or invalid timestamp', () => {
    const message = readInboundMessage(readIncomingActivity({ ...teamsChannelMessage, timestamp: 'yesterday' }))!;
    expect(Math.abs(Date.parse(message.timestamp) - Date.now())).toBeLessThan(5000);
  });
});

const reply = (extra: Partial<Activity>): Activity => ({
  id: 'act_1',
  type: 'message',
  channel: 'botframework',
  conversationId: 'conv_1',
  from: { id: 'parley', role: 'bot' },
  text: 'Refunds take 5–7 business days.',
  timestamp: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('formatReply', () => {
  it('sends text with a sources line', () => {
    const { activity } = formatReply(reply({ sources: [{ id: 'NWT-1003', score: 0.9, metadata: { question: 'Can I cancel my order? I ordered yesterday afternoon.' } }] }));
    expect(activity).toEqual({ type: 'message', textFormat: 'plain', text: 'Refunds take 5–7 business days.\n\nSource: [1] Help article' });
  });

  it('sends quick replies as imBack suggested actions for the customer', () => {
    const { activity } = formatReply(reply({ quickReplies: ['Returns', 'Talk to a person'] }), { userId: '29:megan' });
    expect(activity.suggestedActions).toEqual({
      to: ['29:megan'],
      actions: [
        { type: 'imBack', title: 'Returns', value: 'Returns' },
        { type: 'imBack', title: 'Talk to a person', value: 'Talk to a person' },
      ],
    });
    expect(formatReply(reply({ quickReplies: ['Returns'] })).activity.suggestedActions).toEqual({ actions: [{ type: 'imBack', title: 'Returns', value: 'Returns' }] });
  });

  it('sends images as image/* attachments with absolute URLs, skipping relative ones without a public URL', () => {
    const images = [
      { url: '/assets/size-chart.svg', alt: 'Size chart' },
      { url: 'https://cdn.example/p/navy.JPG?w=800', alt: 'Navy' },
      { url: 'data:image/webp;base64,UklGRg==', alt: '' },
    ];
    const withOrigin = formatReply(reply({ images }), { publicUrl: 'https://bot.example.com' });
    expect(withOrigin.activity.attachments).toEqual([
      { contentType: 'image/svg+xml', contentUrl: 'https://bot.example.com/assets/size-chart.svg', name: 'Size chart' },
      { contentType: 'image/jpeg', contentUrl: 'https://cdn.example/p/navy.JPG?w=800', name: 'Navy' },
      { contentType: 'image/webp', contentUrl: 'data:image/webp;base64,UklGRg==' },
    ]);
    expect(withOrigin.skippedImages).toEqual([]);
    const without = formatReply(reply({ images }));
    expect(without.activity.attachments).toHaveLength(2);
    expect(without.skippedImages).toEqual([images[0]]);
  });

  it('names content types by extension, image/png when unknown', () => {
    expect(imageContentType('https://x/a.gif')).toBe('image/gif');
    expect(imageContentType('https://x/render')).toBe('image/png');
  });

  it('names sources by title and link only, numbered as the markers, never by the past ticket\'s question', () => {
    const question = 'Hi, I am Jane Roe, my card 4111 was charged twice';
    const sources: Source[] = [
      { id: 'A', score: 0.9, metadata: { question }, title: 'Refund policy', url: 'https://shop.example/refunds' },
      { id: 'B', score: 0.8, metadata: { question } },
      { id: 'C', score: 0.7, metadata: { question }, title: 'x'.repeat(80) },
      { id: 'D', score: 0.6, metadata: { question }, title: 'Fourth' },
    ];
    const formatted = formatReply(reply({ text: 'Refunds take 5 days [2]; exchanges are free [4].', sources }));
    expect(formatted.activity.text).toBe(
      `Refunds take 5 days [1]; exchanges are free [2].\n\nSources: [1] Refund policy (https://shop.example/refunds); [2] Help article; [3] ${'x'.repeat(57)}…`,
    );
    expect(formatted.activity.text).not.toContain('Jane Roe');
    expect(sourcesLine([])).toBeUndefined();
  });
});
