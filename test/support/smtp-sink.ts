import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { AppConfig } from '@rollcall/common';
import { startTestApp, type TestApp } from './test-app';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  /** The decoded plain-text body. */
  text: string;
  headers: Record<string, string>;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives, and can refuse messages on demand. */
export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  /** Answer the next `count` messages with a temporary failure (451). */
  rejectNext(count: number): void;
  /** Resolves once `count` messages have arrived (fails after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  let rejecting = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (rejecting > 0) {
          rejecting -= 1;
          const error = new Error('Mailbox temporarily unavailable') as Error & {
            responseCode: number;
          };
          error.responseCode = 451;
          callback(error);
          return;
        }
        received.push(parse(Buffer.concat(chunks).toString('utf8'), session));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejectNext: (count) => {
      rejecting = count;
    },
    waitFor: async (count, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} mails, received ${received.length}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The app settings that send its mail to `smtp`, the outbox worker polling every 50 ms. */
export function mailSettings(
  smtp: Pick<SmtpSink, 'url'>,
  outbox: Partial<AppConfig['outbox']> = {},
): Pick<AppConfig, 'smtp' | 'outbox'> {
  return {
    smtp: { url: smtp.url, from: 'Rollcall <no-reply@rollcall.test>' },
    outbox: { worker: true, pollIntervalMs: 50, maxAttempts: 3, ...outbox },
  };
}

/**
 * An app that sends its mail to a fresh SMTP sink (`mailSettings`; `worker: false` where the test
 * drives the outbox rounds itself). Closing the app closes the sink too.
 */
export async function startMailingApp(
  outbox: Partial<AppConfig['outbox']> = {},
): Promise<{ app: TestApp; smtp: SmtpSink }> {
  const smtp = await startSmtpSink();
  const app = await startTestApp(mailSettings(smtp, outbox));
  const close = async () => {
    await app.close();
    await smtp.close();
  };
  return { app: { ...app, close }, smtp };
}

function parse(
  raw: string,
  session: { envelope: { mailFrom: false | { address: string }; rcptTo: { address: string }[] } },
): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let text = raw.slice(split + 4);
  if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')) {
    text = Buffer.from(
      text
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
  } else if (/base64/i.test(headers['content-transfer-encoding'] ?? '')) {
    text = Buffer.from(text, 'base64').toString('utf8');
  }
  return {
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((r) => r.address),
    subject: headers['subject'] ?? '',
    text: text.replace(/\r\n/g, '\n'),
    headers,
  };
}
