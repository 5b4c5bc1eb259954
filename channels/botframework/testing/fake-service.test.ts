import { startFakeBotFrameworkService } from './fake-service.js';

const send = (serviceUrl: string, activity: unknown) =>
  fetch(`${serviceUrl}v3/conversations/a%3Aconv/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });

describe('the fake Bot Framework service checks what the Connector API and the token endpoint accept', () => {
  it('takes a message activity', async () => {
    const service = await startFakeBotFrameworkService();
    expect((await send(service.serviceUrl, { type: 'message', text: 'hi', attachments: [{ contentType: 'image/png', contentUrl: 'https://example.com/a.png' }] })).status).toBe(200);
    await service.close();
  });

  it.each([
    ['an unknown activity type', { type: 'shout', text: 'hi' }, /type: /],
    ['an attachment without content', { type: 'message', attachments: [{ contentType: 'image/png' }] }, /attachments\.0: an attachment needs content or contentUrl/],
  ])('answers %s with 400 BadArgument, and close() fails naming the field', async (_what, activity, field) => {
    const service = await startFakeBotFrameworkService();
    const answer = await send(service.serviceUrl, activity);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: { code: 'BadArgument' } });
    await expect(service.close()).rejects.toThrow(field);
  });

  it('answers a token request for another scope with invalid_scope, and close() fails', async () => {
    const service = await startFakeBotFrameworkService({ appId: 'app', appPassword: 'secret' });
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'app', client_secret: 'secret', scope: 'https://graph.microsoft.com/.default' });
    const answer = await fetch(`${service.url}/botframework.com/oauth2/v2.0/token`, { method: 'POST', body });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_scope' });
    await expect(service.close()).rejects.toThrow(/scope: invalid_scope/);
  });
});
