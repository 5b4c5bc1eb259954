import type { SendMailOptions, Transporter } from 'nodemailer';
import { ParleyError } from '../../bot/core/index.js';

/** Sends a composed message; {@link SmtpSender} in production, anything with the same shape in tests. */
export interface MailSender {
  send(message: SendMailOptions): Promise<void>;
  close(): void;
}

/** Timeouts of the outbound SMTP connection (ms): a dead relay fails the delivery instead of hanging the turn. */
const CONNECTION_TIMEOUT_MS = 15_000;
const SOCKET_TIMEOUT_MS = 30_000;

/**
 * Outbound mail through the relay at `smtpUrl` (`smtp://user:pass@host:587`, `smtps://…:465`) with nodemailer, loaded
 * with the first message (a server that never sends mail never loads it).
 */
export class SmtpSender implements MailSender {
  private transport: Promise<Transporter> | undefined;

  constructor(private readonly smtpUrl: string) {
    if (!/^smtps?:\/\//i.test(smtpUrl)) throw new ParleyError('config_invalid', 'the e-mail SMTP URL must start with smtp:// or smtps://');
  }

  private transporter(): Promise<Transporter> {
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url: this.smtpUrl,
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        greetingTimeout: CONNECTION_TIMEOUT_MS,
        socketTimeout: SOCKET_TIMEOUT_MS,
      }),
    );
    return this.transport;
  }

  /** Hands the message to the relay; throws `internal` (with the SMTP reply as cause) when the relay refuses it. */
  async send(message: SendMailOptions): Promise<void> {
    try {
      const info = await (await this.transporter()).sendMail(message);
      if (Array.isArray(info.rejected) && info.rejected.length > 0 && (!Array.isArray(info.accepted) || info.accepted.length === 0)) {
        throw new Error(`the relay rejected every recipient: ${info.rejected.map(String).join(', ')}`);
      }
    } catch (error) {
      throw new ParleyError('internal', `e-mail delivery failed: ${(error as Error).message}`, { cause: error });
    }
  }

  close(): void {
    this.transport?.then((transport) => transport.close()).catch(() => undefined);
  }
}
