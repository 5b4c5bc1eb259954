import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkClients, CrashClient } from './crash-clients.js';

/** A server that answers every transcript request with `messages`. */
async function transcriptServer(messages: { id: string; role: string; text: string }[]): Promise<{ server: Server; url: string }> {
  const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A client that has sent its first `sent` messages, as if it had chatted. */
function chatted(sent: number): CrashClient {
  const client = new CrashClient({ wsUrl: 'ws://127.0.0.1:1/ws/chat', index: 0, messages: 4 });
  client.conversationId = 'conv-1';
  client.token = 'token';
  (client as unknown as { next: number }).next = sent;
  for (const message of client.messages.slice(0, sent)) message.sends = 1;
  return client;
}

describe('checkClients', () => {
  it('counts a message the server acknowledged but did not store as lost, and one it never took as unacknowledged', async () => {
    const client = chatted(3);
    const [first, second, third] = client.messages as [typeof client.messages[0], typeof client.messages[0], typeof client.messages[0]];
    first.acked = true;
    first.replies.set('r1', 1);
    client.replyOrder.push(0);
    second.acked = true; // promised, then missing from the transcript
    // third: sent at the very end of a timed run, never acknowledged, answered or stored
    const { server, url } = await transcriptServer([
      { id: 'm1', role: 'customer', text: first.text },
      { id: 'r1', role: 'bot', text: 'answer' },
    ]);
    try {
      const counters = await checkClients(url, [client], { sentOnly: true });
      expect(counters).toMatchObject({ messages: 3, lost: 1, unacknowledged: 1, silent: 0, duplicated: 0, missingFromTranscript: 0 });
      expect(third.acked).toBeUndefined();
    } finally {
      server.close();
    }
  });

  it('counts every unstored message as lost when all messages were due (not a timed run)', async () => {
    const client = chatted(1);
    const { server, url } = await transcriptServer([]);
    try {
      const counters = await checkClients(url, [client]);
      expect(counters).toMatchObject({ messages: 4, lost: 4, unacknowledged: 0 });
    } finally {
      server.close();
    }
  });
});
