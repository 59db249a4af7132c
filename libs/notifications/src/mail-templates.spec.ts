import {
  credentialsExpiredMail,
  credentialsExpiringMail,
  reactivationMail,
  retryDelayMs,
  samlCertificateExpiringMail,
} from './mail-templates';

describe('retryDelayMs', () => {
  it('doubles from 30 seconds and stops at one hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 20].map(retryDelayMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000,
      3_600_000,
    ]);
  });
});

describe('mail texts', () => {
  const facts = {
    organizationName: 'Acme',
    expiresAt: new Date('2028-11-22T03:00:00Z'),
    settingsUrl: 'https://id.example.com/api/v1/scim/integration',
  };

  it('greets the reactivated user by name when known, and says where to sign in', () => {
    const named = reactivationMail({
      name: 'Barbara',
      organizationName: 'Acme',
      signInUrl: 'https://id.example.com/sso/saml/acme/login',
    });
    expect(named.subject).toBe('Your Acme account is active again');
    expect(named.text).toMatch(/^Hello Barbara,\n/);
    expect(named.text).toContain('https://id.example.com/sso/saml/acme/login');
    expect(reactivationMail({ ...facts, name: null, signInUrl: 'x' }).text).toMatch(/^Hello,\n/);
  });

  it('names the expiry date and what to do', () => {
    const expiring = credentialsExpiringMail(facts);
    expect(expiring.subject).toBe('Acme: SCIM token expires on 2028-11-22');
    expect(expiring.text).toContain('expire on 2028-11-22 03:00 UTC');
    expect(expiring.text).toContain('POST /api/v1/scim/integration/rotate');
    const expired = credentialsExpiredMail(facts);
    expect(expired.subject).toBe('Acme: SCIM token expired, provisioning has stopped');
    expect(expired.text).toContain('expired on 2028-11-22 03:00 UTC');
    expect(expired.text).toContain(facts.settingsUrl);
  });

  it('names the IdP certificate, its expiry and what to do', () => {
    const mail = samlCertificateExpiringMail({
      organizationName: 'Acme',
      subject: 'CN=Okta',
      fingerprintSha256: 'AB:CD',
      validTo: new Date('2028-11-22T03:00:00Z'),
      thresholdDays: 30,
      settingsUrl: 'https://id.example.com/api/v1/sso/saml',
    });
    expect(mail.subject).toBe(
      "Acme: the SAML identity provider's signing certificate expires on 2028-11-22",
    );
    expect(mail.text).toContain('expires on 2028-11-22 03:00 UTC\n(in 30 days or less)');
    expect(mail.text).toContain('SHA-256 fingerprint: AB:CD');
    expect(mail.text).toContain('https://id.example.com/api/v1/sso/saml');
  });
});
