import { createServer, type Server } from 'node:http';
import { ZendeskTicketing } from './adapter.js';
import { ZendeskIncrementalExport } from './incremental.js';

/** A local server answering each request with the next of `answers` (status 200 unless given). */
async function answering(answers: { status?: number; body: string }[]): Promise<{ url: string; server: Server }> {
  let index = 0;
  const server = createServer((_request, response) => {
    const answer = answers[Math.min(index++, answers.length - 1)]!;
    response.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

const client = (url: string) => new ZendeskIncrementalExport({ url, email: 'bot@acme.example', apiToken: 't', wait: async () => undefined });
const json = (value: unknown) => ({ body: JSON.stringify(value) });

describe('Zendesk answers are checked with zod', () => {
  it('reads an export page and a ticket’s comment pages, other fields kept', async () => {
    const { url, server } = await answering([
      json({ tickets: [{ id: 1, status: 'solved', via: { channel: 'web' } }], after_cursor: 'c2', after_url: null, end_of_stream: false }),
      json({ comments: [{ id: 10, body: 'hi' }], users: [{ id: 7, role: 'end-user' }], next_page: `/api/v2/tickets/1/comments.json?page=2` }),
      json({ comments: [{ id: 11, body: 'answer' }], next_page: null }),
    ]);
    try {
      const zendesk = client(url);
      expect(await zendesk.ticketsPage({ startTime: 0 })).toEqual({ tickets: [{ id: 1, status: 'solved', via: { channel: 'web' } }], afterCursor: 'c2', endOfStream: false });
      expect(await zendesk.comments('1')).toEqual({ comments: [{ id: 10, body: 'hi' }, { id: 11, body: 'answer' }], users: [{ id: 7, role: 'end-user' }] });
    } finally {
      server.close();
    }
  });

  it.each([
    ['no tickets array', { tickets: null, end_of_stream: true }, 'tickets'],
    ['a ticket that is not an object', { tickets: [3], end_of_stream: true }, 'tickets.0'],
    ['no end_of_stream', { tickets: [] }, 'end_of_stream'],
    ['more pages without a cursor', { tickets: [], end_of_stream: false, after_cursor: null }, 'after_cursor'],
  ])('an export page with %s is an internal error naming the field', async (_name, page, field) => {
    const { url, server } = await answering([json(page)]);
    try {
      await expect(client(url).ticketsPage({ startTime: 0 })).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining(`"${field}"`), details: { field } });
    } finally {
      server.close();
    }
  });

  it('a comments page without comments, a non-JSON success and a created ticket without an id are internal errors naming the field', async () => {
    const { url, server } = await answering([json({ users: [] }), { body: '<html>login</html>' }, { status: 201, ...json({ ticket: { subject: 'x' } }) }]);
    try {
      await expect(client(url).comments('1')).rejects.toMatchObject({ code: 'internal', details: { field: 'comments' } });
      await expect(client(url).ticketsPage({ cursor: 'c' })).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/^invalid Zendesk answer to GET \/api\/v2\/incremental\/tickets\/cursor\.json: "body": /) });
      const ticketing = new ZendeskTicketing({ url, email: 'bot@acme.example', apiToken: 't' });
      await expect(ticketing.createTicket({ subject: 's', body: 'b', requester: { name: 'n' }, tags: [], externalId: 'x' })).rejects.toMatchObject({ code: 'internal', details: { field: 'ticket.id' } });
    } finally {
      server.close();
    }
  });
});
