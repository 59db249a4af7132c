import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Server-side request forgery: a webhook URL (or an IdP's metadata URL) is chosen by an
 * organization's admin, and Rollcall connects to it from inside the operator's network. Unless ROLLCALL_WEBHOOKS_ALLOW_PRIVATE_URLS is
 * set, every address a URL's host resolves to must be a public unicast address; the check runs when
 * the endpoint is saved and again at each delivery (DNS may have changed), and the delivery
 * connects to the very address that was checked (no second lookup a rebinding server could answer
 * differently).
 */

/** IPv4 ranges that are not the public internet (RFC 6890 and friends), as [base, prefix]. */
const IPV4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function ipv4Blocked(address: string): boolean {
  const n = ipv4ToNumber(address);
  return IPV4_BLOCKED.some(([base, prefix]) => {
    const size = 2 ** (32 - prefix);
    const start = ipv4ToNumber(base);
    return n >= start && n < start + size;
  });
}

/** The eight 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail resolved). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase().replace(/^\[|\]$/g, '');
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const n = ipv4ToNumber(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail].map((g) =>
    Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}

function embeddedIpv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function ipv6Blocked(address: string): boolean {
  const g = ipv6Groups(address);
  if (!g) return true;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(7) && (g7 === 0 || g7 === 1)) return true; // :: unspecified, ::1 loopback
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d): the IPv4 address decides.
  if (zeroTo(5) && g5 === 0xffff) return ipv4Blocked(embeddedIpv4(g6, g7));
  if (zeroTo(6)) return ipv4Blocked(embeddedIpv4(g6, g7));
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach an IPv4 address: it decides.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return ipv4Blocked(embeddedIpv4(g6, g7));
  }
  if (g0 === 0x2002) return ipv4Blocked(embeddedIpv4(g1, g2));
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return true; // site-local (deprecated) fec0::/10
  if ((g0 & 0xff00) === 0xff00) return true; // multicast ff00::/8
  if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation 2001:db8::/32
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return true; // discard 100::/64
  if (g0 === 0x2001 && g1 < 0x0200) return true; // IETF protocol assignments 2001::/23
  return false;
}

/** Whether an IP address (v4 or v6, literal) is anything but a public unicast address. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  switch (isIP(bare)) {
    case 4:
      return ipv4Blocked(bare);
    case 6:
      return ipv6Blocked(bare);
    default:
      return true;
  }
}

/** Why a URL may not be a webhook endpoint, for the admin (a 400 `validation_failed` detail). */
export class WebhookUrlRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'WebhookUrlRefused';
  }
}

export interface UrlPolicy {
  /** ROLLCALL_WEBHOOKS_ALLOW_PRIVATE_URLS: private addresses and plain http allowed. */
  allowPrivateUrls: boolean;
  /** Plain http is refused in production unless private URLs are allowed. */
  production: boolean;
}

/** The address a delivery connects to (checked), and the family for the socket. */
export interface ResolvedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** The URL's form alone: scheme, no credentials, a host. Throws WebhookUrlRefused. */
export function parseWebhookUrl(text: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookUrlRefused('url must be an absolute http(s) URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WebhookUrlRefused('url must be an https URL.');
  }
  if (url.protocol === 'http:' && policy.production && !policy.allowPrivateUrls) {
    throw new WebhookUrlRefused('url must be an https URL (plain http is refused in production).');
  }
  if (url.username !== '' || url.password !== '') {
    throw new WebhookUrlRefused(
      'url must not contain credentials (user:password@); authenticate deliveries by their signature.',
    );
  }
  if (url.hash !== '') throw new WebhookUrlRefused('url must not contain a fragment (#...).');
  if (url.hostname === '') throw new WebhookUrlRefused('url must name a host.');
  return url;
}

/**
 * Resolves the URL's host and checks every address; answers the one to connect to. Throws
 * WebhookUrlRefused for a private address (unless allowed) or a host that does not resolve.
 */
export async function resolveWebhookTarget(
  text: string,
  policy: UrlPolicy,
  publicOnly = 'webhooks are delivered to public addresses only',
): Promise<ResolvedTarget> {
  const url = parseWebhookUrl(text, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw new WebhookUrlRefused(`url's host ${host} does not resolve.`);
    }
  }
  const first = addresses[0];
  if (!first) throw new WebhookUrlRefused(`url's host ${host} does not resolve.`);
  if (!policy.allowPrivateUrls) {
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused) {
      throw new WebhookUrlRefused(
        `url's host ${host}${refused.address === host ? '' : ` resolves to ${refused.address}, which`} is a private, loopback, link-local or otherwise non-public address: ${publicOnly} (ROLLCALL_WEBHOOKS_ALLOW_PRIVATE_URLS allows others, for development).`,
      );
    }
  }
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
