import type { ImapFlow } from 'imapflow';
import { asParleyError, ParleyError, type Logger } from '../../bot/core/index.js';
import type { EmailInbound } from './inbound.js';

/** Where the poller reads mail: parsed from `imap://user:pass@host:143/INBOX` or `imaps://…:993/…`. */
export interface ImapTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

/** Options of {@link ImapPoller}. */
export interface ImapPollerOptions {
  url: string;
  /** Seconds between the end of one poll and the start of the next. */
  pollSeconds: number;
  /** Larger messages are marked seen and skipped without being downloaded (bytes). */
  maxMessageBytes: number;
}

/** Most messages taken per poll, so that one poll stays short; the rest come with the next. */
const MAX_PER_POLL = 50;
const TIMEOUT_MS = 30_000;

/** Parses an IMAP URL; throws `config_invalid` when it is not `imap://` or `imaps://` with user, password and host. */
export function parseImapUrl(url: string): ImapTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ParleyError('config_invalid', 'the IMAP URL is not a valid URL', { cause: error });
  }
  const secure = parsed.protocol === 'imaps:';
  if (!secure && parsed.protocol !== 'imap:') throw new ParleyError('config_invalid', 'the IMAP URL must start with imap:// or imaps://');
  if (!parsed.hostname || !parsed.username) throw new ParleyError('config_invalid', 'the IMAP URL needs a user and a host (imap://user:pass@host/INBOX)');
  const mailbox = decodeURIComponent(parsed.pathname.replace(/^\/+/, '')) || 'INBOX';
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(parsed.username),
    pass: decodeURIComponent(parsed.password),
    mailbox,
  };
}

/**
 * Polls a mailbox over IMAP (imapflow): every `pollSeconds` it fetches the unseen messages and hands each to the
 * inbound path; a message is marked `\Seen` only after the durable inbox has it (or when it can never be accepted:
 * unparseable, oversized). A failure leaves it unseen for the next poll.
 */
export class ImapPoller {
  private readonly target: ImapTarget;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closing = false;

  constructor(
    private readonly inbound: EmailInbound,
    private readonly logger: Logger,
    private readonly options: ImapPollerOptions,
  ) {
    this.target = parseImapUrl(options.url);
  }

  /** Starts polling (first poll right away). */
  start(): void {
    this.schedule(0);
  }

  /** One poll: connect, take the unseen messages, log out. Resolves with how many were taken. */
  async pollOnce(): Promise<number> {
    const { target } = this;
    // Loaded on the first poll: a server without an IMAP mailbox never loads the IMAP client.
    const { ImapFlow } = await import('imapflow');
    const client = new ImapFlow({
      host: target.host,
      port: target.port,
      secure: target.secure,
      auth: { user: target.user, pass: target.pass },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
    });
    client.on('error', (error: Error) => this.logger.warn({ err: error }, 'IMAP connection error'));
    try {
      await client.connect();
    } catch (error) {
      client.close();
      throw error;
    }
    let taken = 0;
    try {
      const lock = await client.getMailboxLock(target.mailbox);
      try {
        const uids = ((await client.search({ seen: false }, { uid: true })) || []).slice(0, MAX_PER_POLL);
        if (!uids.length) return 0;
        const sizes = await client.fetchAll(uids.join(','), { uid: true, size: true }, { uid: true });
        for (const { uid, size } of sizes) {
          if (this.closing) break;
          const outcome = await this.take(client, uid, size ?? 0);
          if (outcome === 'stop') break;
          if (outcome === 'taken') taken += 1;
        }
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    return taken;
  }

  /** Stops polling and waits for a poll in progress to finish. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.closing) return;
    this.timer = setTimeout(() => {
      this.running = this.pollOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error, host: this.target.host }, 'IMAP poll failed'))
        .finally(() => this.schedule(this.options.pollSeconds * 1000));
    }, delayMs);
    this.timer.unref();
  }

  /** Takes one message; 'stop' ends this poll (a storage fault: retry the rest later). */
  private async take(client: ImapFlow, uid: number, size: number): Promise<'taken' | 'skipped' | 'stop'> {
    const markSeen = () => client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    if (size > this.options.maxMessageBytes) {
      this.logger.warn({ uid, bytes: size, maxBytes: this.options.maxMessageBytes }, 'oversized e-mail skipped (marked seen)');
      await markSeen();
      return 'skipped';
    }
    const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
    if (!message || !message.source) return 'skipped';
    try {
      const outcome = await this.inbound.accept(message.source);
      if (outcome.status === 'accepted' && !(await outcome.done)) return 'stop';
      await markSeen();
      return 'taken';
    } catch (error) {
      const err = asParleyError(error);
      if (!err.isClientError) {
        this.logger.error({ err, uid }, 'e-mail could not be accepted; it stays unseen');
        return 'stop';
      }
      this.logger.info({ err, uid }, 'e-mail refused (marked seen)');
      await markSeen();
      return 'skipped';
    }
  }
}
