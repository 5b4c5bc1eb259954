import { z } from 'zod';
import { startFakeServer, type FakeRequest, type FakeServer } from './fake-server.js';

const Message = z.object({ To: z.string().min(1), Body: z.string().max(10) });

describe('the fake-server kit', () => {
  let seen: FakeRequest[];
  let fake: FakeServer;
  beforeEach(async () => {
    seen = [];
    fake = await startFakeServer(
      (request, response) => {
        seen.push(request);
        if (request.path === '/form') request.valid(Message, 'form');
        if (request.path === '/json') request.valid(Message);
        if (request.path === '/upload') request.valid(z.object({ image: z.object({ contentType: z.literal('image/png') }), note: z.string() }), 'parts');
        response.writeHead(204).end();
      },
      { vendor: 'Acme', rejection: (rejected) => ({ status: 422, body: { message: rejected.message } }) },
    );
  });
  afterEach(async () => {
    fake.takeViolations();
    await fake.close();
  });

  it('parses JSON, form (repeated names into arrays) and multipart bodies', async () => {
    await fetch(`${fake.url}/json`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ To: '+1', Body: 'hi' }) });
    await fetch(`${fake.url}/other`, { method: 'POST', body: new URLSearchParams([['To', '+1'], ['MediaUrl', 'a'], ['MediaUrl', 'b']]) });
    const upload = new FormData();
    upload.append('image', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'me.png');
    upload.append('note', 'hello');
    const answer = await fetch(`${fake.url}/upload`, { method: 'POST', body: upload });
    expect(answer.status).toBe(204);
    expect(seen.map((r) => r.contentType)).toEqual(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
    expect(seen[0]!.json).toEqual({ To: '+1', Body: 'hi' });
    expect(seen[1]!.form).toEqual({ To: '+1', MediaUrl: ['a', 'b'] });
    expect(seen[1]!.parts).toBeUndefined();
    expect(seen[2]!.parts).toEqual([
      { name: 'image', filename: 'me.png', contentType: 'image/png', data: Buffer.from([1, 2, 3]) },
      { name: 'note', data: Buffer.from('hello') },
    ]);
    expect(fake.violations).toEqual([]);
  });

  it("answers a request the vendor would reject with the vendor's error, and close() fails naming the field", async () => {
    const answer = await fetch(`${fake.url}/form`, { method: 'POST', body: new URLSearchParams({ Body: 'far too long a body' }) });
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { message: string }).message).toMatch(/^Acme would reject POST \/form: To: .+; Body: .*10/);
    expect(fake.violations).toHaveLength(1);
    const other = await startFakeServer((request) => request.valid(Message), { vendor: 'Acme' });
    expect((await fetch(other.url, { method: 'POST', body: '{"To":""}', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    await expect(other.close()).rejects.toThrow(/fake server of Acme: 1 request\(s\) the real Acme would reject:\n- Acme would reject POST \/: To: .*; Body: /);
  });

  it('takeViolations() forgets the violations so far', async () => {
    await fetch(`${fake.url}/json`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(fake.takeViolations()).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });
});
