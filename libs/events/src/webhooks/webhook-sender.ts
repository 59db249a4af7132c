import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { ResolvedTarget } from './url-guard';

/** A delivery that has not answered within this long counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How much of a receiver's answer the delivery log keeps. */
export const RESPONSE_EXCERPT_LENGTH = 500;
const SECRET_PREFIX = 'whsec_';
const USER_AGENT = 'Rollcall-Webhooks/1';

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * The Standard Webhooks headers (https://www.standardwebhooks.com): `webhook-id` (the event's id,
 * the same on every retry, for the receiver to recognize a repeat), `webhook-timestamp` (seconds)
 * and `webhook-signature`, one `v1,<base64 HMAC-SHA256>` per secret, space-separated (the previous
 * secret too, while a rotation keeps it).
 */
export function signatureHeaders(
  messageId: string,
  at: Date,
  body: string,
  secrets: string[],
): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets
      .map((secret) => new Webhook(secret).sign(messageId, at, body))
      .join(' '),
  };
}

export interface SendResult {
  /** A 2xx answer. */
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** Why it failed, when it did (never a secret). */
  error: string | null;
  /** The start of the receiver's answer. */
  excerpt: string | null;
}

/**
 * POSTs `body` to the checked address of `target` (no second DNS lookup; TLS still checks the
 * host's name). Redirects are not followed (a 3xx is a failure); a delivery that takes longer than
 * DELIVERY_TIMEOUT_MS is abandoned.
 */
export function postWebhook(
  target: ResolvedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<SendResult> {
  const started = Date.now();
  const { url } = target;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: Date.now() - started });
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      {
        method: 'POST',
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': USER_AGENT,
        },
        agent: false,
        lookup: pinned,
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = () => {
          const text = Buffer.concat(chunks)
            .toString('utf8')
            .replaceAll(String.fromCharCode(0), '')
            .slice(0, RESPONSE_EXCERPT_LENGTH);
          const ok = status >= 200 && status < 300;
          finish({
            ok,
            status,
            error: ok
              ? null
              : status >= 300 && status < 400
                ? `redirect (${status}) not followed`
                : `answered ${status}`,
            excerpt: text === '' ? null : text,
          });
          response.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          if (kept < RESPONSE_EXCERPT_LENGTH * 4) {
            chunks.push(chunk);
            kept += chunk.length;
          } else {
            done();
          }
        });
        response.on('end', done);
        response.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      finish({
        ok: false,
        status: null,
        error: `no answer within ${timeoutMs} ms`,
        excerpt: null,
      });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish({
        ok: false,
        status: null,
        error: error.code ? `${error.code}: ${error.message}` : error.message,
        excerpt: null,
      });
    });
    req.end(body);
  });
}
