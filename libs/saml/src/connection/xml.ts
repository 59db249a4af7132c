import { DOMParser } from '@xmldom/xmldom';

/**
 * Parses XML we did not write (IdP metadata, SAML responses) after refusing what an attacker could
 * use against a parser: document type declarations and entities (XXE, billion laughs).
 */
export function parseUntrustedXml(xml: string, what: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new UntrustedXmlError(
      `${what} contains a DOCTYPE or ENTITY declaration, which is not allowed`,
    );
  }
  const problems: string[] = [];
  const report = (message: string) => problems.push(message.split('\n')[0] ?? message);
  const document = new DOMParser({
    // Warnings too: a well-formed document from a real IdP has none, and what xmldom merely warns
    // about (unclosed attributes…) is not something to sign anyone in with.
    errorHandler: { warning: report, error: report, fatalError: report },
  }).parseFromString(xml, 'text/xml');
  if (problems.length > 0 || !document?.documentElement) {
    throw new UntrustedXmlError(
      `${what} is not well-formed XML${problems[0] ? ` (${problems[0]})` : ''}`,
    );
  }
  return document;
}

export class UntrustedXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UntrustedXmlError';
  }
}

export const SAML_METADATA_NS = 'urn:oasis:names:tc:SAML:2.0:metadata';
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Child elements of `parent` (any depth) with this namespace and local name. */
export function elements(
  parent: Document | Element,
  namespace: string,
  localName: string,
): Element[] {
  return Array.from(parent.getElementsByTagNameNS(namespace, localName));
}
