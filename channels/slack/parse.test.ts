import { classifyEvent, classifyInteraction, decodeSlackRequest, plainText, toActivity, type SlackEventEnvelope, type SlackInbound } from './parse.js';
import {
  blockActionsPayload,
  BOT_ID,
  BOT_USER,
  botMessageEvent,
  channelMessageEvent,
  CUSTOMER,
  DM_CHANNEL,
  dmEvent,
  envelope,
  interactivityForm,
  mentionEvent,
  messageChangedEvent,
  messageDeletedEvent,
  newTs,
  SUPPORT_CHANNEL,
  TEAM,
  urlVerification,
} from './testing/payloads.js';
import { documentedEnvelopes, eventErrors, slackSpecsAvailable, SLACK_SPECS_DIR } from './testing/specs.js';

if (!slackSpecsAvailable) console.warn(`${SLACK_SPECS_DIR} is missing: skipping the checks of test payloads against Slack's Events API documents`);

const json = (body: unknown) => Buffer.from(JSON.stringify(body));
const form = (body: string) => Buffer.from(body);
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const inbound = (body: Record<string, unknown>, identity = {}): SlackInbound => {
  const result = classifyEvent(body as unknown as SlackEventEnvelope, identity);
  if ('ignored' in result) throw new Error(`ignored: ${result.ignored}`);
  return result.inbound;
};
const ignored = (body: Record<string, unknown>, identity = {}): string => {
  const result = classifyEvent(body as unknown as SlackEventEnvelope, identity);
  return 'ignored' in result ? result.ignored : 'processed';
};

describe('test payloads follow the Events API documents', () => {
  it.each([
    ['message.im', () => dmEvent('how long do refunds take?')],
    ['app.mention', () => mentionEvent('where is my order?')],
    ['message.channels', () => channelMessageEvent('thanks', { threadTs: newTs() })],
    ['message', () => messageDeletedEvent()],
    ['message.im', () => messageChangedEvent('edited')],
    ['message.im', () => botMessageEvent('beep')],
  ] as [string, () => Record<string, unknown>][])('%s payload fits the wrapper schema and its topic', (topic, make) => {
    expect(eventErrors(make(), topic)).toEqual([]);
  });

  it('url_verification follows Slack’s documentation, not the generic wrapper', () => {
    // The AsyncAPI document points url.verification at GenericEventWrapper, but Slack's documentation (and real
    // deliveries) carry only token, challenge and type; the wrapper's required fields are absent by design.
    if (slackSpecsAvailable) expect(eventErrors(urlVerification('abc'))).not.toEqual([]);
  });
});

describe('decodeSlackRequest', () => {
  it('decodes Events API JSON', () => {
    expect(decodeSlackRequest(json(urlVerification('3eZbrw1aB')), JSON_TYPE)).toEqual({ kind: 'url_verification', challenge: '3eZbrw1aB' });
    const event = dmEvent('hi');
    expect(decodeSlackRequest(json(event), 'application/json; charset=utf-8')).toEqual({ kind: 'event_callback', body: event });
    expect(decodeSlackRequest(json({ token: 'x', type: 'app_rate_limited', team_id: TEAM }), JSON_TYPE).kind).toBe('other');
  });

  it('decodes interactivity, ssl_check and slash command forms', () => {
    const payload = blockActionsPayload({ value: 'Talk to a person' });
    expect(decodeSlackRequest(form(interactivityForm(payload)), FORM_TYPE)).toEqual({ kind: 'interactivity', body: payload });
    expect(decodeSlackRequest(form('ssl_check=1&token=x'), FORM_TYPE)).toEqual({ kind: 'ssl_check' });
    const command = decodeSlackRequest(form('command=%2Fwebhook-collect&text=&team_id=T1DC2JH3J'), FORM_TYPE);
    expect(command).toEqual({ kind: 'command', body: { command: '/webhook-collect', text: '', team_id: 'T1DC2JH3J' } });
  });

  it.each([
    ['invalid JSON', Buffer.from('{"type": "event_callback",'), JSON_TYPE, 'invalid_json'],
    ['a JSON array', json([1, 2]), JSON_TYPE, 'bad_request'],
    ['JSON without type', json({ token: 'x' }), JSON_TYPE, 'bad_request'],
    ['url_verification without challenge', json({ type: 'url_verification' }), JSON_TYPE, 'bad_request'],
    ['event_callback without event', json({ ...dmEvent('x'), event: undefined }), JSON_TYPE, 'bad_request'],
    ['event_callback without event_id', json({ ...dmEvent('x'), event_id: 7 }), JSON_TYPE, 'bad_request'],
    ['a form without payload or command', form('foo=bar'), FORM_TYPE, 'bad_request'],
    ['a payload that is not JSON', form('payload=%7Bnot-json'), FORM_TYPE, 'invalid_json'],
    ['a payload without type', form(interactivityForm({ actions: [] })), FORM_TYPE, 'bad_request'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), JSON_TYPE, 'invalid_utf8'],
    ['another content type', form('hello'), 'text/plain', 'bad_request'],
  ] as [string, Buffer, string, string][])('rejects %s', (_name, body, type, code) => {
    expect(() => decodeSlackRequest(body, type)).toThrow(expect.objectContaining({ code }));
  });
});

describe('Slack’s documented example envelopes', () => {
  it('decode, and are classified: unknown event types ignored, the direct message answered', () => {
    const examples = documentedEnvelopes();
    if (!slackSpecsAvailable) return;
    // Two published examples (resources_added, reaction_added) and one assembled from the properties' examples.
    expect(examples).toHaveLength(3);
    const results = examples.map((body) => {
      const decoded = decodeSlackRequest(json(body), JSON_TYPE);
      if (decoded.kind !== 'event_callback') throw new Error(`decoded as ${decoded.kind}`);
      expect(decoded.body).toEqual(body);
      return classifyEvent(decoded.body);
    });
    expect(results.slice(0, 2)).toEqual([{ ignored: 'unsupported event type resources_added' }, { ignored: 'unsupported event type reaction_added' }]);
    expect(results[2]).toEqual({ inbound: expect.objectContaining({ kind: 'dm', channelId: 'D0PNCRP9N', userId: 'U061F7AUR', text: 'How many cats did we herd yesterday?' }) });
  });
});

describe('decodeSlackRequest checks the fields Parley reads, naming the bad one', () => {
  const rejects = (body: Buffer, type: string, field: string) => {
    expect(() => decodeSlackRequest(body, type)).toThrow(expect.objectContaining({ code: 'bad_request', message: expect.stringContaining(`"${field}"`), details: { field } }));
  };

  it.each([
    ['a message event with a numeric text', () => dmEvent('x'), (e: Record<string, unknown>) => ({ ...e, text: 42 }), 'event.text'],
    ['a message event whose files are not a list', () => dmEvent('x'), (e: Record<string, unknown>) => ({ ...e, files: 'photo.png' }), 'event.files'],
    ['a file without a string URL', () => dmEvent('x'), (e: Record<string, unknown>) => ({ ...e, files: [{ id: 'F1', url_private: 7 }] }), 'event.files.0.url_private'],
    ['an app_mention whose user is an object', () => mentionEvent('hi'), (e: Record<string, unknown>) => ({ ...e, user: { id: CUSTOMER } }), 'event.user'],
    ['an event without a type', () => dmEvent('x'), (e: Record<string, unknown>) => ({ ...e, type: undefined }), 'event.type'],
  ] as [string, () => Record<string, unknown>, (event: Record<string, unknown>) => Record<string, unknown>, string][])('rejects %s', (_name, make, edit, field) => {
    const body = make();
    rejects(json({ ...body, event: edit(body.event as Record<string, unknown>) }), JSON_TYPE, field);
  });

  it('rejects a bad envelope, url_verification or block_actions payload', () => {
    rejects(json({ ...dmEvent('x'), team_id: '' }), JSON_TYPE, 'team_id');
    rejects(json({ ...dmEvent('x'), authorizations: [{ user_id: 5 }] }), JSON_TYPE, 'authorizations.0.user_id');
    rejects(json({ type: 'url_verification', challenge: 5 }), JSON_TYPE, 'challenge');
    rejects(json({ type: 7 }), JSON_TYPE, 'type');
    const payload = blockActionsPayload({ value: 'Yes' });
    rejects(form(interactivityForm({ ...payload, actions: 'click' })), FORM_TYPE, 'actions');
    rejects(form(interactivityForm({ ...payload, user: { id: 12 } })), FORM_TYPE, 'user.id');
    rejects(form(interactivityForm({ ...payload, actions: [{ action_id: 'parley_quick_reply_1', value: 3 }] })), FORM_TYPE, 'actions.0.value');
  });

  it('lets other fields and other event types through as Slack sends them', () => {
    // channel_rename carries its channel as an object: only message and app_mention events have their fields read.
    const rename = envelope({ type: 'channel_rename', channel: { id: SUPPORT_CHANNEL, name: 'help', created: 1360782804 } });
    const decoded = decodeSlackRequest(json(rename), JSON_TYPE);
    expect(decoded).toEqual({ kind: 'event_callback', body: rename });
    expect(classifyEvent((decoded as { body: SlackEventEnvelope }).body)).toEqual({ ignored: 'unsupported event type channel_rename' });
    const withExtras = { ...dmEvent('hi'), is_ext_shared_channel: true, context_team_id: TEAM, enterprise_id: null };
    expect(decodeSlackRequest(json(withExtras), JSON_TYPE)).toEqual({ kind: 'event_callback', body: withExtras });
    const team = { ...blockActionsPayload({ value: 'Yes' }), team: null, view: { id: 'V1' } };
    expect(decodeSlackRequest(form(interactivityForm(team)), FORM_TYPE)).toEqual({ kind: 'interactivity', body: team });
    const submission = { type: 'view_submission', user: 'not an object here', view: { id: 'V1' } };
    expect(decodeSlackRequest(form(interactivityForm(submission)), FORM_TYPE)).toEqual({ kind: 'interactivity', body: submission });
  });
});

describe('classifyEvent', () => {
  it('a direct message is one conversation per DM channel, answered at the top level', () => {
    const event = dmEvent('how long do refunds take?');
    const result = inbound(event);
    expect(result).toMatchObject({ kind: 'dm', teamId: TEAM, channelId: DM_CHANNEL, userId: CUSTOMER, text: 'how long do refunds take?', key: `${TEAM}:${DM_CHANNEL}`, replyThreadTs: undefined });
    expect(result.channelMessageId).toBe(event.event_id);
    const inThread = inbound(dmEvent('and exchanges?', { threadTs: '1710000000.000001' }));
    expect(inThread).toMatchObject({ key: `${TEAM}:${DM_CHANNEL}`, replyThreadTs: '1710000000.000001' });
  });

  it('a mention starts a thread on its own ts, or joins the thread it is in', () => {
    const ts = newTs();
    expect(inbound(mentionEvent('where is my order?', { ts }))).toMatchObject({ kind: 'mention', text: 'where is my order?', key: `${TEAM}:${SUPPORT_CHANNEL}:${ts}`, replyThreadTs: ts });
    const thread = newTs();
    expect(inbound(mentionEvent('and returns?', { threadTs: thread }))).toMatchObject({ key: `${TEAM}:${SUPPORT_CHANNEL}:${thread}`, replyThreadTs: thread });
  });

  it('a reply in a channel thread is a thread reply; one mentioning the app is left to app_mention', () => {
    const thread = newTs();
    expect(inbound(channelMessageEvent('it still has not arrived', { threadTs: thread }))).toMatchObject({ kind: 'thread_reply', key: `${TEAM}:${SUPPORT_CHANNEL}:${thread}` });
    expect(ignored(channelMessageEvent(`<@${BOT_USER}> again`, { threadTs: thread }))).toMatch(/app_mention/);
    expect(ignored(channelMessageEvent('chatter at the top level'))).toMatch(/top-level/);
    expect(ignored(channelMessageEvent(`<@${BOT_USER}> hello`))).toMatch(/top-level/);
  });

  it('ignores bot messages, the app’s own messages, edits, deletes and other events', () => {
    expect(ignored(botMessageEvent('beep'))).toMatch(/subtype bot_message/);
    expect(ignored(botMessageEvent('beep', { subtype: false }))).toBe('bot message');
    expect(ignored(botMessageEvent('own', { subtype: false, botId: BOT_ID }), { botId: BOT_ID })).toBe('own message');
    expect(ignored(dmEvent('me', { user: BOT_USER }))).toBe('own message');
    expect(ignored(messageChangedEvent('edited'))).toMatch(/message_changed/);
    expect(ignored(messageDeletedEvent())).toMatch(/message_deleted/);
    expect(ignored(envelope({ type: 'reaction_added', user: CUSTOMER, reaction: 'thumbsup' }))).toMatch(/unsupported event type/);
    expect(ignored(mentionEvent(''))).toBe('empty text');
  });

  it('turns Slack markup into plain text', () => {
    expect(plainText(`<@${BOT_USER}> see <https://example.com/a|our page> &amp; <#C0SUPPORT01|support> <!here> &lt;3`, { botUserId: BOT_USER })).toBe(
      'see our page & #support @here <3',
    );
    expect(plainText('<@U0SOMEONE> <mailto:a@b.example|a@b.example> <https://x.example>')).toBe('a@b.example https://x.example');
  });
});

describe('classifyInteraction', () => {
  it('a quick-reply click is the customer’s message in the conversation its block names', () => {
    const thread = newTs();
    const key = `${TEAM}:${SUPPORT_CHANNEL}:${thread}`;
    const payload = blockActionsPayload({ value: 'How do I return something?', blockId: `parley_qr:${key}`, channel: SUPPORT_CHANNEL, threadTs: thread });
    const result = classifyInteraction(payload);
    expect(result).toEqual({
      inbound: expect.objectContaining({ kind: 'quick_reply', text: 'How do I return something?', key, replyThreadTs: thread, channelId: SUPPORT_CHANNEL, userId: CUSTOMER }),
    });
    expect('inbound' in result && result.inbound.channelMessageId).toBe(`click:${String(payload.trigger_id)}`);
  });

  it('finds the conversation from the container when the block has no key', () => {
    expect(classifyInteraction(blockActionsPayload({ value: 'Yes' }))).toEqual({ inbound: expect.objectContaining({ key: `${TEAM}:${DM_CHANNEL}`, replyThreadTs: undefined }) });
    const messageTs = newTs();
    expect(classifyInteraction(blockActionsPayload({ value: 'Yes', channel: SUPPORT_CHANNEL, messageTs }))).toEqual({
      inbound: expect.objectContaining({ key: `${TEAM}:${SUPPORT_CHANNEL}:${messageTs}`, replyThreadTs: messageTs }),
    });
  });

  it('throws bad_request naming the field of a malformed block_actions payload (Socket Mode bodies skip the decoder)', () => {
    expect(() => classifyInteraction({ ...blockActionsPayload({ value: 'Yes' }), container: 'D1' })).toThrow(expect.objectContaining({ code: 'bad_request', details: { field: 'container' } }));
    expect(() => classifyInteraction([])).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it('ignores other interactions and foreign keys', () => {
    expect(classifyInteraction({ type: 'view_submission', view: {} })).toEqual({ ignored: 'interactivity type view_submission' });
    expect(classifyInteraction(blockActionsPayload({ value: 'x', actionId: 'someone_elses_button' }))).toEqual({ ignored: 'no quick-reply action' });
    expect(classifyInteraction(blockActionsPayload({ value: 'x', blockId: `parley_qr:${TEAM}:C0ELSEWHERE1:1.2` }))).toEqual({ ignored: 'quick reply names another channel' });
  });
});

it('toActivity keeps the raw envelope and the event id', () => {
  const event = dmEvent('how long do refunds take?', { ts: '1710000123.000100' });
  const activity = toActivity(inbound(event), 'conv_1');
  expect(activity).toMatchObject({
    type: 'message',
    channel: 'slack',
    channelMessageId: event.event_id,
    conversationId: 'conv_1',
    from: { id: CUSTOMER, role: 'customer' },
    text: 'how long do refunds take?',
    timestamp: new Date(1710000123000 + 0.1).toISOString(),
    raw: event,
  });
});
