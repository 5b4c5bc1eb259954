/**
 * A real Parley server with the Slack channel and agent desk wired to a local fake of Slack's Web API, for the
 * handoff journey tests: signed Slack requests in, web chat over a real WebSocket, REST over HTTP.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketTestClient } from '../../../channels/webchat/testing/socket-client.js';
import { startFakeSlack, type FakeSlack } from '../../../channels/slack/testing/index.js';
import { AGENT, ESCALATION_CHANNEL, OTHER_AGENT } from '../../../channels/slack/desk/testing/desk-payloads.js';
import { send, waitFor, type HttpResponse } from '../../../channels/slack/testing/harness.js';
import { BOT_ID, BOT_TOKEN, BOT_USER, interactivityForm, signedHeaders, SIGNING_SECRET, TEAM } from '../../../channels/slack/testing/payloads.js';
import { loadConfig } from '../../config/index.js';
import { silentLogger, type HandoffRecord } from '../../core/index.js';
import { createParley, type Parley } from '../parley.js';
import { startServer, type RunningServer } from '../server.js';

/** A web chat client (the shared {@link SocketTestClient}) whose waits look at every frame it received. */
export class ChatClient {
  private constructor(private readonly socket: SocketTestClient) {}

  /** Every frame received, in arrival order (loosely typed: the journeys read the fields each frame type has). */
  get frames(): Record<string, unknown>[] {
    return this.socket.received as unknown as Record<string, unknown>[];
  }

  /** Connects and says hello; resolves once `ready` arrived. */
  static async connect(baseUrl: string, hello: Record<string, unknown> = {}): Promise<{ client: ChatClient; ready: Record<string, unknown> }> {
    const client = new ChatClient(await SocketTestClient.open(`${baseUrl.replace(/^http/, 'ws')}/ws/chat`));
    client.socket.send({ type: 'hello', ...hello });
    const ready = await client.next((f) => f.type === 'ready');
    return { client, ready };
  }

  /** Sends a customer message. */
  say(text: string, clientMessageId = `m${Math.random().toString(36).slice(2)}`): string {
    this.socket.send({ type: 'message', clientMessageId, text });
    return clientMessageId;
  }

  /** The first received frame matching `match` (waiting for it). */
  next(match: (frame: Record<string, unknown>) => boolean, what = 'a web chat frame'): Promise<Record<string, unknown>> {
    return waitFor(() => this.frames.find(match), 10_000, what);
  }

  close(): void {
    this.socket.close();
  }
}

/** A running testbed. */
export interface DeskTestbed {
  url: string;
  fake: FakeSlack;
  parley: Parley;
  server: RunningServer;
  /** POSTs an interactivity payload to `/webhooks/slack/events`, signed unless `headers` replace the signature. */
  interact(payload: Record<string, unknown>, headers?: Record<string, string>): Promise<HttpResponse>;
  /** POSTs an Events API envelope, signed. */
  event(envelope: Record<string, unknown>): Promise<HttpResponse>;
  /** The handoff of a conversation once its card is posted. */
  escalation(conversationId: string): Promise<HandoffRecord & { deskThread: string }>;
  /** chat.postMessage calls in the escalation thread of `threadTs`. */
  threadPosts(threadTs: string): { text: string; params: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** Starts the fake Slack API and a Parley server whose Slack app and agent desk use it; `env` adds settings. */
export async function startDeskTestbed(env: Record<string, string> = {}): Promise<DeskTestbed> {
  const fake = await startFakeSlack({
    botToken: BOT_TOKEN,
    teamId: TEAM,
    botUserId: BOT_USER,
    botId: BOT_ID,
    users: { [AGENT]: { name: 'alex', realName: 'Alex Rivera', displayName: 'Alex' }, [OTHER_AGENT]: { name: 'sam', realName: 'Sam Lee', displayName: 'Sam' } },
  });
  const home = await mkdtemp(join(tmpdir(), 'parley-desk-'));
  const config = loadConfig({
    PARLEY_HOME: home,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: fake.url,
    SLACK_ESCALATION_CHANNEL: ESCALATION_CHANNEL,
    ...env,
  });
  const parley = await createParley(config, { logger: silentLogger });
  const server = await startServer(parley, { port: 0, host: '127.0.0.1' });
  const url = server.url;
  const path = '/webhooks/slack/events';
  return {
    url,
    fake,
    parley,
    server,
    interact: (payload, headers) => {
      const body = interactivityForm(payload);
      return send(url, path, body, headers ?? signedHeaders(body, 'application/x-www-form-urlencoded'));
    },
    event: (envelope) => {
      const body = JSON.stringify(envelope);
      return send(url, path, body, signedHeaders(body, 'application/json'));
    },
    escalation: (conversationId) =>
      waitFor(async () => {
        const handoff = (await parley.store.handoffs.listHandoffs(conversationId)).at(-1);
        return handoff?.deskThread ? (handoff as HandoffRecord & { deskThread: string }) : undefined;
      }, 10_000, `the escalation card of ${conversationId}`),
    threadPosts: (threadTs) =>
      fake
        .posts()
        .filter((p) => p.params.channel === ESCALATION_CHANNEL && p.params.thread_ts === threadTs)
        .map((p) => ({ text: String(p.params.text), params: p.params })),
    close: async () => {
      await server.close();
      await parley.close();
      await fake.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
