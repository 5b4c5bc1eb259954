import type { AddressInfo } from 'node:net';
import type { SMTPServer, SMTPServerDataStream, SMTPServerError, SMTPServerSession } from 'smtp-server';
import { asParleyError, type Logger } from '../../bot/core/index.js';
import type { EmailInbound } from './inbound.js';

/** Options of {@link SmtpListener}. */
export interface SmtpListenerOptions {
  /** TCP port; 0 picks a free one (see {@link SmtpListener.port}). */
  port: number;
  /** Interface to listen on. */
  host: string;
  /** Largest message accepted (bytes); larger ones get `552 5.3.4`. */
  maxMessageBytes: number;
  /** Host name announced in the greeting. */
  name: string;
}

/** Idle SMTP clients are dropped after this long (ms); RFC 5321 asks servers to wait at least 5 minutes mid-transfer. */
const SOCKET_TIMEOUT_MS = 5 * 60_000;
const CLOSE_TIMEOUT_MS = 5_000;
const MAX_CLIENTS = 200;
const MAX_RECIPIENTS = 50;

function smtpError(responseCode: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * The built-in inbound SMTP listener (smtp-server): receives mail for Parley like an MX or the target of a relay's
 * forwarding rule. Replies carry RFC 3463 enhanced status codes. Oversized messages are refused with `552 5.3.4` and
 * nothing is stored; mail that cannot be answered (unparseable, no sender) gets `554 5.6.0`; a storage fault gets
 * `451 4.3.0` so the sender retries. Accepted mail is
 * acknowledged with `250` once its conversation is known, and the bot's turn runs after the acknowledgement.
 * No AUTH or STARTTLS: put it behind a relay or on a private network (see README).
 */
export class SmtpListener {
  private constructor(
    private readonly server: SMTPServer,
    /** The port it listens on (the one picked when 0 was asked for). */
    readonly port: number,
  ) {}

  /** Starts listening; rejects when the port cannot be bound. */
  static async start(inbound: EmailInbound, logger: Logger, options: SmtpListenerOptions): Promise<SmtpListener> {
    const { SMTPServer } = await import('smtp-server');
    const server = new SMTPServer({
      name: options.name,
      banner: 'Parley ESMTP',
      size: options.maxMessageBytes,
      rejectOversized: true,
      // RFC 2034 enhanced status codes on every reply (smtp-server hides them by default): `552 5.3.4` for a message
      // over SIZE, `554 5.6.0` for one that cannot be used, `451 4.3.0` for a fault, `250 2.6.0` when accepted.
      hideENHANCEDSTATUSCODES: false,
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      disableReverseLookup: true,
      logger: false,
      socketTimeout: SOCKET_TIMEOUT_MS,
      closeTimeout: CLOSE_TIMEOUT_MS,
      maxClients: MAX_CLIENTS,
      maxRecipients: MAX_RECIPIENTS,
      onData: (stream, session, callback) => receive(stream, session, options.maxMessageBytes, inbound, logger, callback),
    });
    server.on('error', (error) => logger.warn({ err: error }, 'e-mail SMTP listener error'));
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      server.server.once('error', onError);
      server.listen(options.port, options.host, () => {
        server.server.off('error', onError);
        resolve();
      });
    });
    return new SmtpListener(server, (server.server.address() as AddressInfo).port);
  }

  /** Stops accepting connections; open sessions get up to 5 s to finish. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Reads one message (keeping at most `maxBytes`), hands it to the inbound path and answers the client. */
function receive(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  maxBytes: number,
  inbound: EmailInbound,
  logger: Logger,
  callback: (error?: Error | null, message?: string) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
  });
  stream.on('error', (error) => callback(smtpError(451, `could not read the message: ${error.message}`)));
  stream.on('end', () => {
    if (stream.sizeExceeded || size > maxBytes) {
      logger.info({ bytes: size, maxBytes }, 'oversized e-mail refused');
      callback(smtpError(552, `message exceeds the maximum size of ${maxBytes} bytes`));
      return;
    }
    const mailFrom = session.envelope.mailFrom;
    inbound.accept(Buffer.concat(chunks), { from: mailFrom ? mailFrom.address : undefined }).then(
      (outcome) => callback(null, `accepted ${outcome.messageId}`),
      (error: unknown) => {
        const err = asParleyError(error);
        if (err.isClientError) {
          logger.info({ err, code: err.code }, 'e-mail refused');
          callback(smtpError(554, err.message));
        } else {
          logger.error({ err }, 'e-mail could not be accepted');
          callback(smtpError(451, 'temporary failure, try again later'));
        }
      },
    );
  });
}
