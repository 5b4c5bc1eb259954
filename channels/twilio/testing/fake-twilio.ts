import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import twilio from 'twilio';
import { z } from 'zod';
import { startFakeServer, VendorRejection, type FakeRequest } from '../../../bot/core/testing/fake-server.js';
import type { TwilioParams } from '../verify.js';

/** One request the fake received, with what it answered. */
export interface FakeTwilioRequest {
  method: string;
  /** URL path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Decoded form body (repeated names as arrays), for form-encoded requests. */
  form: TwilioParams | undefined;
  status: number;
  /** JSON answered (for API calls; `undefined` for media bytes and redirects). */
  response: unknown;
}

/** A running fake of Twilio's REST API (Messages create, Media) on 127.0.0.1. */
export interface FakeTwilio {
  /** Origin to use as `apiUrl`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  requests: FakeTwilioRequest[];
  /** The form bodies of successful `Messages.json` creates, in order. */
  sent(): TwilioParams[];
  /**
   * Stores a media file and returns its Media resource URL, as Twilio puts it in `MediaUrl0`. Fetching it needs the
   * account's Basic auth and redirects (307) to `redirectTo`: default the fake's `/cdn/…` path on the same origin
   * (like Twilio's redirect to its CDN); `null` serves the bytes directly.
   */
  addMedia(media: { contentType: string; data: Uint8Array; redirectTo?: string | null }): string;
  /** Makes the next `count` message creates fail with Twilio's error `code` and HTTP `status`. */
  failNext(count: number, status?: number, code?: number): void;
  /** Posts a signed status callback for a created message to its `StatusCallback`, as Twilio does; returns the HTTP status. */
  sendStatus(messageSid: string, status: string, errorCode?: string): Promise<number>;
  close(): Promise<void>;
}

/** A hex SID with Twilio's two-letter prefix (`SM…`, `MM…`, `ME…`). */
export const fakeSid = (prefix: string): string => `${prefix}${randomBytes(16).toString('hex')}`;

const rfc2822 = (date: Date): string => date.toUTCString().replace('GMT', '+0000');

/** Twilio's REST error body. */
const twilioError = (status: number, code: number, message: string) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

/** One form value, or several (a repeated name), as the form decodes it; the schema sees a list either way. */
const many = <T extends z.ZodType>(item: T) => z.preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), z.array(item));
const one = z.string().optional();

/** An E.164 number, or a channel address (`whatsapp:+15552229999`), as `To` and `From` take them. */
const ADDRESS = /^(?:[a-z]+:)?\+[1-9]\d{1,14}$/;
/** What `From` takes besides an address: a short code (5–6 digits) or an alphanumeric sender ID. */
const SENDER = new RegExp(`${ADDRESS.source}|^\\d{5,6}$|^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$`);

/**
 * The parameters of `CreateMessage` (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`) in
 * `twilio_api_v2010.json`, with the rules its descriptions state: `To` required (E.164 or a channel address); `From`
 * or `MessagingServiceSid` (`^MG[0-9a-fA-F]{32}$`); `Body` up to 1,600 characters, or media (up to ten `MediaUrl`), or
 * `ContentSid`; `StatusCallback` a URL. The error codes are Twilio's (21604 To, 21603 From, 21602 Body, 21617 length).
 */
const CreateMessage = z
  .object({
    To: z.string({ error: "21604 A 'To' phone number is required." }).regex(ADDRESS, "21211 The 'To' number is not a valid phone number."),
    // A sender: a number or channel address, a short code, or an alphanumeric sender ID (up to 11 characters, a letter among them).
    From: z.string().regex(SENDER, "21212 The 'From' number is not a valid phone number, shortcode, or alphanumeric sender ID.").optional(),
    MessagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/, '21701 The Messaging Service Sid is invalid.').optional(),
    Body: z.string().max(1600, '21617 The concatenated message body exceeds the 1600 character limit.').optional(),
    MediaUrl: many(z.url('21620 Invalid media URL(s).')).pipe(z.array(z.string()).max(10, '21623 Number of media files exceeds allowed limit.')).optional(),
    ContentSid: one,
    StatusCallback: z.url('21609 Invalid StatusCallback URL.').optional(),
  })
  .refine((form) => form.From !== undefined || form.MessagingServiceSid !== undefined, { error: "21603 A 'From' phone number is required.", path: ['From'] })
  .refine((form) => !!form.Body || !!form.MediaUrl?.length || !!form.ContentSid, { error: '21602 Message body is required.', path: ['Body'] });

/** Twilio's error body for the first rule a request broke (its message starts with Twilio's code). */
function rejection(rejected: VendorRejection): { status: number; body: unknown } {
  const [, code, message] = /^(\d{5}) (.*)$/.exec(rejected.issues[0]?.message ?? '') ?? [];
  return { status: 400, body: { ...twilioError(400, Number(code ?? 21602), message ?? rejected.message), detail: rejected.message } };
}

/** Posts `params` form-encoded to `url` with `X-Twilio-Signature` computed by the `twilio` SDK for `signedUrl` (default `url`). */
export async function signedFormPost(
  url: string,
  params: Record<string, string>,
  authToken: string,
  options: { signedUrl?: string; signature?: string | null; contentType?: string; body?: string | Buffer } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const payload = options.body ?? new URLSearchParams(params).toString();
  const signature = options.signature === undefined ? twilio.getExpectedTwilioSignature(authToken, options.signedUrl ?? url, params) : options.signature;
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
    'content-length': String(Buffer.byteLength(payload)),
    'user-agent': 'TwilioProxy/1.1',
    ...(signature === null ? {} : { 'x-twilio-signature': signature }),
  };
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The parameters of Twilio's incoming-message webhook for an SMS/MMS or WhatsApp message. */
export function inboundMessageParams(input: { accountSid: string; from: string; to: string; body: string; messageSid?: string; media?: { url: string; contentType: string }[] }): Record<string, string> {
  const sid = input.messageSid ?? fakeSid(input.media?.length ? 'MM' : 'SM');
  const params: Record<string, string> = {
    ToCountry: 'US', ToState: 'CA', SmsMessageSid: sid, NumMedia: String(input.media?.length ?? 0), ToCity: '', FromZip: '', SmsSid: sid,
    FromState: '', SmsStatus: 'received', FromCity: '', Body: input.body, FromCountry: 'US', To: input.to, ToZip: '', NumSegments: '1',
    MessageSid: sid, AccountSid: input.accountSid, From: input.from, ApiVersion: '2010-04-01',
  };
  input.media?.forEach((m, i) => {
    params[`MediaUrl${i}`] = m.url;
    params[`MediaContentType${i}`] = m.contentType;
  });
  if (input.from.startsWith('whatsapp:')) Object.assign(params, { ProfileName: 'Sam', WaId: input.from.replace(/\D/g, ''), MessageType: input.media?.length ? 'image' : 'text' });
  return params;
}

/**
 * Starts a fake of Twilio's REST API 2010-04-01 (the shapes of `twilio_api_v2010.json`): `POST
 * /2010-04-01/Accounts/{AccountSid}/Messages.json` with Basic auth and Twilio's checks and error codes (20003
 * authenticate, 21604 To, 21603 From, 21602 Body, 21617 Body over 1,600 characters), answering 201 with a Message
 * resource; Media resources (bytes behind Basic auth, then a CDN redirect; `.json` metadata); status callbacks.
 */
export async function startFakeTwilio(options: { accountSid: string; authToken: string }): Promise<FakeTwilio> {
  const { accountSid, authToken } = options;
  const requests: FakeTwilioRequest[] = [];
  const media = new Map<string, { contentType: string; data: Uint8Array; redirectTo: string | null | undefined; parent: string }>();
  const messages = new Map<string, { form: TwilioParams; resource: Record<string, unknown> }>();
  const failures: { status: number; code: number }[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const base = `/2010-04-01/Accounts/${accountSid}`;
  let url = '';

  const createMessage = (form: TwilioParams): [number, unknown] => {
    const failure = failures.shift();
    if (failure) return [failure.status, twilioError(failure.status, failure.code, `Injected failure ${failure.code}`)];
    const one = (name: string): string | undefined => (Array.isArray(form[name]) ? (form[name] as string[])[0] : (form[name] as string | undefined));
    const mediaUrls = form.MediaUrl === undefined ? [] : ([] as string[]).concat(form.MediaUrl);
    const sid = fakeSid(mediaUrls.length ? 'MM' : 'SM');
    const now = rfc2822(new Date());
    const service = one('MessagingServiceSid') ?? null;
    const resource = {
      account_sid: accountSid, api_version: '2010-04-01', body: one('Body') ?? '', date_created: now, date_sent: null, date_updated: now,
      direction: 'outbound-api', error_code: null, error_message: null, from: one('From') ?? null, messaging_service_sid: service,
      num_media: String(mediaUrls.length), num_segments: String(Math.max(1, Math.ceil((one('Body') ?? '').length / 153))), price: null,
      price_unit: 'USD', sid, status: service && !one('From') ? 'accepted' : 'queued', subresource_uris: { media: `${base}/Messages/${sid}/Media.json` },
      to: one('To'), uri: `${base}/Messages/${sid}.json`,
    };
    messages.set(sid, { form, resource });
    return [201, resource];
  };

  const handle = async (req: FakeRequest, res: ServerResponse): Promise<void> => {
    const { path } = req;
    const record: FakeTwilioRequest = { method: req.method, path, headers: req.headers, form: req.contentType === 'application/x-www-form-urlencoded' ? req.form : undefined, status: 0, response: undefined };
    requests.push(record);
    const json = (status: number, body: unknown): void => {
      Object.assign(record, { status, response: body });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const cdn = /^\/cdn\/(ME[0-9a-f]{32})$/.exec(path);
    if (cdn && media.has(cdn[1] as string)) {
      const item = media.get(cdn[1] as string)!;
      record.status = 200;
      res.writeHead(200, { 'content-type': item.contentType, 'content-length': String(item.data.length) }).end(Buffer.from(item.data));
      return;
    }
    if (req.headers.authorization !== expectedAuth) return json(401, twilioError(401, 20003, 'Authenticate'));
    if (record.method === 'POST' && path === `${base}/Messages.json`) {
      try {
        req.valid(CreateMessage, 'form');
      } catch (error) {
        if (error instanceof VendorRejection) Object.assign(record, { status: 400, response: rejection(error).body });
        throw error;
      }
      const [status, body] = createMessage(record.form ?? {});
      return json(status, body);
    }
    const mediaPath = new RegExp(`^${base}/Messages/((?:SM|MM)[0-9a-f]{32})/Media/(ME[0-9a-f]{32})(\\.json)?$`).exec(path);
    const item = mediaPath && media.get(mediaPath[2] as string);
    if (record.method === 'GET' && mediaPath && item) {
      const sid = mediaPath[2] as string;
      if (mediaPath[3]) {
        const now = rfc2822(new Date());
        return json(200, { account_sid: accountSid, content_type: item.contentType, date_created: now, date_updated: now, parent_sid: item.parent, sid, uri: `${base}/Messages/${item.parent}/Media/${sid}.json` });
      }
      if (item.redirectTo !== null) {
        record.status = 307;
        res.writeHead(307, { location: item.redirectTo ?? `${url}/cdn/${sid}` }).end();
        return;
      }
      record.status = 200;
      res.writeHead(200, { 'content-type': item.contentType, 'content-length': String(item.data.length) }).end(Buffer.from(item.data));
      return;
    }
    return json(404, twilioError(404, 20404, `The requested resource ${path} was not found`));
  };

  const server = await startFakeServer(handle, { vendor: 'Twilio', rejection });
  url = server.url;

  return {
    url,
    requests,
    sent: () => requests.filter((r) => r.path.endsWith('/Messages.json') && r.status === 201).map((r) => r.form as TwilioParams),
    addMedia(item) {
      const parent = fakeSid('MM');
      const sid = fakeSid('ME');
      media.set(sid, { ...item, redirectTo: item.redirectTo, parent });
      return `${url}${base}/Messages/${parent}/Media/${sid}`;
    },
    failNext(count, status = 400, code = 21610) {
      for (let i = 0; i < count; i++) failures.push({ status, code });
    },
    async sendStatus(messageSid, status, errorCode) {
      const message = messages.get(messageSid);
      const callback = message?.form.StatusCallback;
      if (!message || typeof callback !== 'string') throw new Error(`message ${messageSid} has no StatusCallback`);
      const params: Record<string, string> = {
        AccountSid: accountSid, ApiVersion: '2010-04-01', From: String(message.resource.from ?? ''), MessageSid: messageSid,
        MessageStatus: status, SmsSid: messageSid, SmsStatus: status, To: String(message.resource.to), ...(errorCode ? { ErrorCode: errorCode } : {}),
      };
      return (await signedFormPost(callback, params, authToken)).status;
    },
    close: () => server.close(),
  };
}
