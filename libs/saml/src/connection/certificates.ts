import { X509Certificate } from 'node:crypto';

/**
 * Turns what an admin pasted (a PEM, several PEMs, or bare base64 as in IdP metadata) into PEM
 * certificates, each checked to be a parseable X.509 certificate. Throws with a message naming the
 * problem.
 */
export function normalizeCertificates(input: string): string[] {
  const text = input.trim();
  const blocks = text.includes('-----BEGIN')
    ? [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
        (m) => m[1] ?? '',
      )
    : [text];
  if (blocks.length === 0) {
    throw new Error('no "-----BEGIN CERTIFICATE-----" block was found');
  }
  return blocks.map((block, index) => {
    const body = block.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+=*$/.test(body)) {
      throw new Error(`certificate ${index + 1} is not base64`);
    }
    const pem = `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----`;
    try {
      new X509Certificate(pem);
    } catch {
      throw new Error(`certificate ${index + 1} is not a valid X.509 certificate`);
    }
    return pem;
  });
}

/** When each certificate stops being valid (for the admin's view of the connection). */
export function certificateSummaries(
  pems: string[],
): { subject: string; validTo: string; fingerprintSha256: string }[] {
  return pems.map((pem) => {
    const cert = new X509Certificate(pem);
    return {
      subject: cert.subject.replace(/\n/g, ', '),
      validTo: new Date(cert.validTo).toISOString(),
      fingerprintSha256: cert.fingerprint256,
    };
  });
}
