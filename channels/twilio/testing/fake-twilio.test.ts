import { startFakeTwilio } from './fake-twilio.js';

const accountSid = `AC${'0'.repeat(32)}`;
const authToken = 'token';
const auth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

describe('the fake Twilio checks Message creates as Twilio does', () => {
  const create = (url: string, form: [string, string][]) =>
    fetch(`${url}/2010-04-01/Accounts/${accountSid}/Messages.json`, { method: 'POST', headers: { authorization: auth }, body: new URLSearchParams(form) });

  it('creates a message that fits CreateMessage', async () => {
    const fake = await startFakeTwilio({ accountSid, authToken });
    const answer = await create(fake.url, [['To', 'whatsapp:+15552229999'], ['From', 'whatsapp:+15554449999'], ['Body', 'hi'], ['MediaUrl', 'https://example.com/a.png'], ['MediaUrl', 'https://example.com/b.png']]);
    expect(answer.status).toBe(201);
    expect(fake.sent()).toEqual([expect.objectContaining({ MediaUrl: ['https://example.com/a.png', 'https://example.com/b.png'] })]);
    await fake.close();
  });

  it.each([['a short code', '12345'], ['an alphanumeric sender ID', 'Parley Shop']])('takes %s as From', async (_what, from) => {
    const fake = await startFakeTwilio({ accountSid, authToken });
    expect((await create(fake.url, [['To', '+15552229999'], ['From', from], ['Body', 'hi']])).status).toBe(201);
    await fake.close();
  });

  it.each([
    ['no To', [['From', '+15554449999'], ['Body', 'hi']], 21604, /To: /],
    ['no From nor MessagingServiceSid', [['To', '+15552229999'], ['Body', 'hi']], 21603, /From: /],
    ['no Body nor media', [['To', '+15552229999'], ['From', '+15554449999']], 21602, /Body: /],
    ['a Body over 1,600 characters', [['To', '+15552229999'], ['From', '+15554449999'], ['Body', 'x'.repeat(1601)]], 21617, /Body: /],
    ['a From longer than an alphanumeric sender ID', [['To', '+15552229999'], ['From', 'Parley Shop Ltd'], ['Body', 'hi']], 21212, /From: /],
    ['a To that is no phone number', [['To', 'Sam'], ['From', '+15554449999'], ['Body', 'hi']], 21211, /To: /],
    ['a StatusCallback that is no URL', [['To', '+15552229999'], ['From', '+15554449999'], ['Body', 'hi'], ['StatusCallback', '/status']], 21609, /StatusCallback: /],
  ] as const)('rejects %s with 400 and its error code, and close() fails naming the field', async (_what, form, code, field) => {
    const fake = await startFakeTwilio({ accountSid, authToken });
    const answer = await create(fake.url, form.map(([k, v]) => [k, v]));
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ code, status: 400 });
    expect(fake.sent()).toEqual([]);
    await expect(fake.close()).rejects.toThrow(field);
  });
});
