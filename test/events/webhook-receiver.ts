import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request a receiver got. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed body. */
  event: { id: string; type: string; cursor: string; subject: { id: string } } & Record<
    string,
    unknown
  >;
  at: number;
}

/** What the receiver answers a request: a status (after an optional delay), or no answer at all. */
export type Answer = { status: number; delayMs?: number; body?: string } | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1 (node:http): it records every request and answers what
 * `answer` says (200 by default).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answer: (request: ReceivedWebhook, index: number) => Answer = () => ({ status: 200 });
  private readonly hanging = new Set<() => void>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const request: ReceivedWebhook = {
          headers: req.headers,
          body,
          event: JSON.parse(body) as ReceivedWebhook['event'],
          at: Date.now(),
        };
        const index = receiver.received.push(request) - 1;
        const answer = receiver.answer(request, index);
        if (answer === 'hang') {
          const release = () => res.destroy();
          receiver.hanging.add(release);
          res.on('close', () => receiver.hanging.delete(release));
          return;
        }
        setTimeout(() => {
          res.writeHead(answer.status, { 'content-type': 'text/plain' });
          res.end(answer.body ?? (answer.status < 300 ? 'ok' : 'receiver error'));
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Event ids in the order received. */
  ids(): string[] {
    return this.received.map((r) => r.event.id);
  }

  async close(): Promise<void> {
    for (const release of [...this.hanging]) release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Checks a delivery's signature as the Standard Webhooks specification says, independently of the
 * library Rollcall signs with: HMAC-SHA256 with the base64-decoded secret (after `whsec_`) over
 * `${webhook-id}.${webhook-timestamp}.${body}`, base64, as `v1,<signature>` among the
 * space-separated signatures of `webhook-signature`.
 */
export function signatureValid(secret: string, request: ReceivedWebhook): boolean {
  const id = String(request.headers['webhook-id']);
  const timestamp = String(request.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = Buffer.from(
    `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64')}`,
  );
  return String(request.headers['webhook-signature'] ?? '')
    .split(' ')
    .some((candidate) => {
      const given = Buffer.from(candidate);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
