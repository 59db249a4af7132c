import type { IncomingMessage } from 'node:http';
import type { HttpMethod } from './openapi';
import type { TestApp } from './test-app';

export interface HttpCall {
  method: HttpMethod;
  /** Path and query, already encoded. */
  url: string;
  /** The whole `Authorization` header value, if any. */
  authorization?: string;
  /** Sent as JSON, or as a form when `contentType` says so. */
  body?: unknown;
  contentType?: string;
}

export interface HttpResult {
  status: number;
  /** The raw response body, whatever its type. */
  text: string;
  /** The body parsed as JSON when it is JSON. */
  json?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Keeps every response body as text (supertest would drop bodies of types it does not know). The
 * typings call the first argument a superagent response; at run time it is the IncomingMessage.
 */
function asText(raw: unknown, callback: (error: Error | null, body: string) => void): void {
  const response = raw as IncomingMessage;
  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (text += chunk));
  response.on('end', () => callback(null, text));
}

/** One request against the in-process app, its body kept as text and parsed when it is JSON. */
export async function call(app: TestApp, request: HttpCall): Promise<HttpResult> {
  let pending = app.http()[request.method](request.url);
  if (request.authorization) pending = pending.set('Authorization', request.authorization);
  if (request.body !== undefined) {
    const type = request.contentType ?? 'application/json';
    pending =
      type === 'application/x-www-form-urlencoded'
        ? pending
            .set('Content-Type', type)
            .send(
              new URLSearchParams(
                Object.entries(request.body as Record<string, unknown>).map(([k, v]) => [
                  k,
                  String(v),
                ]),
              ).toString(),
            )
        : pending.set('Content-Type', type).send(JSON.stringify(request.body));
  }
  const response = await pending.buffer(true).parse(asText);
  const text = typeof response.body === 'string' ? response.body : '';
  let json: unknown;
  if (/json/.test(String(response.headers['content-type'] ?? '')) && text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, text, json, headers: response.headers };
}
