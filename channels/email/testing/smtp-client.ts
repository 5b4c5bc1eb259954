import nodemailer, { type SendMailOptions } from 'nodemailer';

/**
 * Sends one message to an SMTP server on loopback `port` (Parley's inbound listener in tests), as a customer's mail
 * client would, without TLS; returns the server's reply code (250 when accepted). Keeps nodemailer in `channels/email`.
 */
export async function sendTestMail(port: number, message: SendMailOptions): Promise<number> {
  const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const info = (await client.sendMail(message)) as { response: string };
    return Number(/^(\d{3})/.exec(info.response)?.[1] ?? 0);
  } finally {
    client.close();
  }
}
