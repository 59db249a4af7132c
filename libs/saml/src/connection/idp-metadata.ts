import { normalizeCertificates } from './certificates';
import { elements, parseUntrustedXml, SAML_METADATA_NS, XMLDSIG_NS } from './xml';

export interface IdpSettings {
  idpEntityId: string;
  idpSsoUrl: string;
  idpCertificates: string[];
}

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

/**
 * Reads what Rollcall needs from an IdP's metadata document (as Okta, Entra, OneLogin, JumpCloud and
 * Google export it): the entityID, the HTTP-Redirect single sign-on URL (HTTP-POST if that is all
 * there is), and the signing certificates. Throws with a message an admin can act on.
 */
export function parseIdpMetadata(xml: string): IdpSettings {
  const document = parseUntrustedXml(xml, 'The metadata');
  const root = document.documentElement;
  const descriptors =
    root.localName === 'EntityDescriptor'
      ? [root]
      : elements(document, SAML_METADATA_NS, 'EntityDescriptor');
  const entity = descriptors.find(
    (d) => elements(d, SAML_METADATA_NS, 'IDPSSODescriptor').length > 0,
  );
  if (!entity || entity.namespaceURI !== SAML_METADATA_NS) {
    throw new Error('The metadata has no EntityDescriptor with an IDPSSODescriptor');
  }
  const idpEntityId = entity.getAttribute('entityID')?.trim();
  if (!idpEntityId) throw new Error('The EntityDescriptor has no entityID');
  const idp = elements(entity, SAML_METADATA_NS, 'IDPSSODescriptor')[0];
  const services = elements(idp, SAML_METADATA_NS, 'SingleSignOnService');
  const service =
    services.find((s) => s.getAttribute('Binding') === REDIRECT_BINDING) ??
    services.find((s) => s.getAttribute('Binding') === POST_BINDING);
  const idpSsoUrl = service?.getAttribute('Location')?.trim();
  if (!idpSsoUrl) {
    throw new Error(
      'The IDPSSODescriptor has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding',
    );
  }
  const certificates = elements(idp, SAML_METADATA_NS, 'KeyDescriptor')
    .filter((k) => (k.getAttribute('use') ?? 'signing') === 'signing')
    .flatMap((k) => elements(k, XMLDSIG_NS, 'X509Certificate'))
    .map((c) => (c.textContent ?? '').trim())
    .filter((c) => c !== '');
  if (certificates.length === 0) {
    throw new Error(
      'The IDPSSODescriptor has no signing certificate (KeyDescriptor use="signing")',
    );
  }
  const idpCertificates = [...new Set(certificates.flatMap((c) => normalizeCertificates(c)))];
  return { idpEntityId, idpSsoUrl, idpCertificates };
}
