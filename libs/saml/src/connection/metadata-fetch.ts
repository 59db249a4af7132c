import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveWebhookTarget, type UrlPolicy } from '@rollcall/common';

/** A metadata fetch that has not finished within this long fails. */
export const METADATA_TIMEOUT_MS = 10_000;
/** Metadata documents larger than this are refused (real ones are a few kilobytes). */
export const METADATA_MAX_BYTES = 1_000_000;

/**
 * GETs an IdP's metadata document. The URL goes through the webhooks' SSRF guard (every address
 * of the host public unless ROLLCALL_WEBHOOKS_ALLOW_PRIVATE_URLS is set), and the request connects
 * to the checked address (no second lookup). Redirects are not followed. Throws an Error whose
 * message says what went wrong, for the admin and the log.
 */
export async function fetchIdpMetadata(text: string, policy: UrlPolicy): Promise<string> {
  const target = await resolveWebhookTarget(
    text,
    policy,
    'IdP metadata is fetched from public addresses only',
  );
  const { url } = target;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  return new Promise<string>((resolve, reject) => {
    const get = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = get(
      {
        method: 'GET',
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        headers: {
          accept: 'application/samlmetadata+xml, application/xml, text/xml',
          'user-agent': 'Rollcall-SAML/1',
        },
        agent: false,
        lookup: pinned,
        timeout: METADATA_TIMEOUT_MS,
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        if (status !== 200) {
          response.destroy();
          reject(
            new Error(
              status >= 300 && status < 400
                ? `the metadata URL answered a redirect (${status}), which is not followed`
                : `the metadata URL answered ${status}`,
            ),
          );
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > METADATA_MAX_BYTES) {
            response.destroy();
            reject(new Error(`the metadata is larger than ${METADATA_MAX_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        response.on('error', (error) => reject(error));
      },
    );
    req.on('timeout', () => {
      req.destroy(new Error(`no answer within ${METADATA_TIMEOUT_MS} ms`));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code ? `${error.code}: ${error.message}` : error.message)),
    );
    req.end();
  });
}
