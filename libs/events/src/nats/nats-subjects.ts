import type { ConnectionOptions } from 'nats';

/** Every event's subject starts with this token; the stream holds `rollcall.>`. */
export const SUBJECT_ROOT = 'rollcall';
/** The subjects of the stream the publisher creates when it is missing. */
export const STREAM_SUBJECTS = [`${SUBJECT_ROOT}.>`];

/**
 * `rollcall.<organization id>.<type>`. Event types contain a dot (`user.created`), so the type is
 * two tokens: `rollcall.<org>.user.created`; consumers filter `rollcall.<org>.>`,
 * `rollcall.<org>.user.>` or `rollcall.*.user.created`.
 */
export function eventSubject(organizationId: string, type: string): string {
  return `${SUBJECT_ROOT}.${organizationId}.${type}`;
}

/**
 * ROLLCALL_NATS_URL as the client's options: `nats://host:port` (TLS when the server asks for it)
 * or `tls://host:port` (TLS required); `user:password@` or `token@` in the URL become the
 * connection's credentials (the client itself would drop them).
 */
export function connectionOptions(url: string): ConnectionOptions {
  const parsed = new URL(url);
  const server = `${parsed.hostname.includes(':') ? `[${parsed.hostname}]` : parsed.hostname}:${parsed.port || '4222'}`;
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  return {
    servers: [server],
    ...(parsed.protocol === 'tls:' ? { tls: {} } : {}),
    ...(user !== '' && pass !== '' ? { user, pass } : user !== '' ? { token: user } : {}),
  };
}

/** The URL without credentials, for the logs: `nats://host:port`. */
export function describeNatsUrl(url: string): string {
  const parsed = new URL(url);
  const credentials = parsed.username !== '' ? ' (with credentials)' : '';
  return `${parsed.protocol}//${parsed.hostname.includes(':') ? `[${parsed.hostname}]` : parsed.hostname}:${parsed.port || '4222'}${credentials}`;
}
