import nodemailer, { type SendMailOptions } from 'nodemailer';
import { ParleyError } from '../../bot/core/index.js';

/** Sends a composed message; {@link SmtpSender} in production, anything with the same shape in tests. */
export interface MailSender {
  send(message: SendMailOptions): Promise<void>;
  close(): void;
}

/** Timeouts of the outbound SMTP connection (ms): a dead relay fails the delivery instead of hanging the turn. */
const CONNECTION_TIMEOUT_MS = 15_000;
const SOCKET_TIMEOUT_MS = 30_000;

/** Outbound mail through the relay at `smtpUrl` (`smtp://user:pass@host:587`, `smtps://…:465`) with nodemailer. */
export class SmtpSender implements MailSender {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(smtpUrl: string) {
    if (!/^smtps?:\/\//i.test(smtpUrl)) throw new ParleyError('config_invalid', 'the e-mail SMTP URL must start with smtp:// or smtps://');
    this.transport = nodemailer.createTransport({
      url: smtpUrl,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: CONNECTION_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    });
  }

  /** Hands the message to the relay; throws `internal` (with the SMTP reply as cause) when the relay refuses it. */
  async send(message: SendMailOptions): Promise<void> {
    try {
      const info = await this.transport.sendMail(message);
      if (Array.isArray(info.rejected) && info.rejected.length > 0 && (!Array.isArray(info.accepted) || info.accepted.length === 0)) {
        throw new Error(`the relay rejected every recipient: ${info.rejected.map(String).join(', ')}`);
      }
    } catch (error) {
      throw new ParleyError('internal', `e-mail delivery failed: ${(error as Error).message}`, { cause: error });
    }
  }

  close(): void {
    this.transport.close();
  }
}
