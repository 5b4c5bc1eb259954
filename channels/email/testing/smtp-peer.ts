import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the peer received: the SMTP envelope, the raw RFC 5322 bytes and mailparser's reading of them. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

/** A real SMTP server on loopback standing in for the outbound relay, for tests. */
export interface SmtpPeer {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Resolves once at least `count` messages arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Recipients answered with `550 5.1.1` (to test failed deliveries). */
  rejectRecipients: Set<string>;
  close(): Promise<void>;
}

/** Starts an {@link SmtpPeer} on 127.0.0.1 (a free port), accepting every message without AUTH or TLS. */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const received: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const rejectRecipients = new Set<string>();
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (rejectRecipients.has(address.address.toLowerCase())) return callback(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            received.push({ envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) }, raw, parsed });
            waiters.splice(0).forEach((wake) => wake());
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejectRecipients,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} message(s) at the SMTP peer, got ${received.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Talks SMTP over a plain socket, line by line, for what client libraries will not send (null senders, oversized
 * data without a SIZE check, garbage). Returns every reply line the server sent.
 */
export async function rawSmtp(port: number, commands: readonly (string | Buffer)[], timeoutMs = 10_000): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffer = '';
  let notify: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      replies.push(buffer.slice(0, newline).replace(/\r$/, ''));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
    notify?.();
  });
  const finalReplies = () => replies.filter((line) => /^\d{3} /.test(line)).length;
  const waitForReplies = async (count: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (finalReplies() < count) {
      if (Date.now() > deadline || socket.destroyed) throw new Error(`SMTP peer did not answer; got: ${replies.join(' | ')}`);
      await new Promise<void>((resolve) => {
        notify = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
  try {
    await waitForReplies(1);
    let expected = 1;
    for (const command of commands) {
      socket.write(command);
      // DATA payload chunks that do not end the data get no reply of their own.
      if (typeof command === 'string' && !command.endsWith('\r\n')) continue;
      if (Buffer.isBuffer(command) && !command.subarray(-5).equals(Buffer.from('\r\n.\r\n'))) continue;
      expected += 1;
      await waitForReplies(expected);
    }
  } finally {
    socket.destroy();
  }
  return replies;
}
