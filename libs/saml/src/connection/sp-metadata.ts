import { escapeHtml } from '@rollcall/common';
import type { SpCertificate } from '../keys/saml-sp-keys.service';
import type { ServiceProviderUrls } from './saml-connections.service';

/** What the SP metadata says beyond the URLs: its certificates and whether requests are signed. */
export interface SpMetadataOptions {
  certificates: SpCertificate[];
  authnRequestsSigned: boolean;
}

/** The data encryption and key transport algorithms Rollcall decrypts, strongest first. */
const ENCRYPTION_METHODS = [
  'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
  'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
];

function keyDescriptor(certificate: SpCertificate): string {
  const body = certificate.certificate
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
  const methods =
    certificate.use === 'encryption'
      ? ENCRYPTION_METHODS.map((m) => `\n      <md:EncryptionMethod Algorithm="${m}"/>`).join('')
      : '';
  return `
    <md:KeyDescriptor use="${certificate.use}">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>${methods}
    </md:KeyDescriptor>`;
}

/**
 * Rollcall's SAML 2.0 service-provider metadata for one organization, for the IdP admin to import:
 * every signing and encryption certificate (the current one first; during a rollover the previous
 * one too, so IdPs that read the metadata again trust both).
 */
export function serviceProviderMetadata(
  sp: ServiceProviderUrls,
  options: SpMetadataOptions = { certificates: [], authnRequestsSigned: false },
): string {
  const attr = (value: string) => escapeHtml(value);
  const ordered = [
    ...options.certificates.filter((c) => c.use === 'signing'),
    ...options.certificates.filter((c) => c.use === 'encryption'),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${attr(sp.entityId)}">
  <md:SPSSODescriptor AuthnRequestsSigned="${options.authnRequestsSigned}" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${ordered.map(keyDescriptor).join('')}
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${attr(sp.acsUrl)}" index="0" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
`;
}
