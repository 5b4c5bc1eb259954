import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { ParleyError } from '../../bot/core/index.js';
import type { OutboundMessage } from './format.js';

/** Twilio's production REST API origin, which the SDK's generated resources are bound to. */
export const TWILIO_API_ORIGIN = 'https://api.twilio.com';

/**
 * The SDK's HTTP client, sending requests for `https://api.twilio.com` to `apiUrl` instead (a regional proxy, or a
 * local fake in tests). The SDK itself has no base-URL option: edge/region only change the `api.*.twilio.com` name.
 */
export class ApiUrlRequestClient extends twilio.RequestClient {
  private readonly target: URL;

  constructor(apiUrl: string, options: { timeout?: number } = {}) {
    super({ timeout: options.timeout ?? 10_000, keepAlive: true });
    this.target = new URL(apiUrl);
  }

  override request<TData>(options: RequestClient.RequestOptions<TData>) {
    const uri = new URL(options.uri);
    // The SDK may have turned api.twilio.com into api.<edge>.<region>.twilio.com (TWILIO_EDGE / TWILIO_REGION are
    // read from the process environment by the SDK itself); a configured API URL wins over that too.
    const isTwilioApi = uri.protocol === 'https:' && /^api(\.[a-z0-9-]+)*\.twilio\.com$/.test(uri.hostname);
    if (isTwilioApi && this.target.origin !== TWILIO_API_ORIGIN) {
      const prefix = this.target.pathname.replace(/\/+$/, '');
      uri.protocol = this.target.protocol;
      uri.host = this.target.host;
      uri.pathname = `${prefix}${uri.pathname}`;
    }
    return super.request<TData>({ ...options, uri: uri.href });
  }
}

/** What a Messages API create returned. */
export interface SentMessage {
  sid: string;
  status: string;
}

/** Sends messages through Twilio's Messages REST API with the official SDK. */
export interface MessageSender {
  create(message: OutboundMessage): Promise<SentMessage>;
}

/** Options of {@link createMessageSender}. */
export interface ClientOptions {
  accountSid: string;
  authToken: string;
  /** REST API base URL; default `https://api.twilio.com`. */
  apiUrl?: string;
  /** Request timeout (ms); default 10 000. */
  timeout?: number;
}

/**
 * A {@link MessageSender} on the `twilio` SDK (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`). Failures
 * become `ParleyError`s (`internal`, with Twilio's error code and status in `details`) and are never retried here:
 * the bot's outbox keeps the failed reply.
 */
export function createMessageSender(options: ClientOptions): MessageSender {
  const httpClient = new ApiUrlRequestClient(options.apiUrl ?? TWILIO_API_ORIGIN, options.timeout === undefined ? {} : { timeout: options.timeout });
  const client = twilio(options.accountSid, options.authToken, { httpClient, autoRetry: false });
  return {
    async create(message) {
      try {
        const created = await client.messages.create(message as Parameters<typeof client.messages.create>[0]);
        return { sid: created.sid, status: created.status };
      } catch (error) {
        const e = error as { code?: unknown; status?: unknown; message?: string };
        throw new ParleyError('internal', `Twilio refused the message: ${e.message ?? String(error)}`, {
          cause: error,
          details: { twilioCode: e.code, httpStatus: e.status },
        });
      }
    },
  };
}
