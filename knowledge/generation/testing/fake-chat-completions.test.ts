import { startFakeChatCompletions } from './fake-chat-completions.js';

const post = (url: string, body: unknown) =>
  fetch(`${url}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-test-fake-openai-key', 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the fake chat completions check CreateChatCompletionRequest', () => {
  it('answers a valid request', async () => {
    const fake = await startFakeChatCompletions({ respond: () => 'hello' });
    const answer = await post(fake.url, { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }], temperature: 0.2 });
    expect(answer.status).toBe(200);
    await fake.close();
  });

  it.each([
    ['an unknown field', { model: 'm', messages: [{ role: 'user', content: 'hi' }], colour: 'red' }, 'Unrecognized request argument supplied: colour', null],
    ['no messages', { model: 'm', messages: [] }, /messages/, 'messages'],
    ['an unknown role', { model: 'm', messages: [{ role: 'robot', content: 'hi' }] }, /messages\.0\.role/, 'messages[0].role'],
    ['a temperature over 2', { model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 3 }, /temperature/, 'temperature'],
    ['stream_options without stream', { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } }, /stream_options/, 'stream_options'],
  ])('rejects %s with 400 invalid_request_error, and close() fails', async (_what, body, message, param) => {
    const fake = await startFakeChatCompletions();
    const answer = await post(fake.url, body);
    expect(answer.status).toBe(400);
    const { error } = (await answer.json()) as { error: { message: string; type: string; param: string | null } };
    expect(error).toMatchObject({ type: 'invalid_request_error', param });
    expect(error.message).toMatch(message);
    await expect(fake.close()).rejects.toThrow(/OpenAI would reject POST \/v1\/chat\/completions/);
  });
});
