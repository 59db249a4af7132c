import { randomUUID, X509Certificate } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, SecretBox } from '@rollcall/common';
import { SP_KEY_USES, type SamlSpKeyEntity, type SpKeyUse } from './saml-sp-key.entity';
import { SamlSpKeysRepository } from './saml-sp-keys.repository';
import { selfSignedCertificate } from './self-signed';

/** How long a generated SP certificate is valid (IdPs read the key, rarely the dates). */
const CERTIFICATE_YEARS = 10;

/** An SP certificate as the metadata and the admin API show it (never the private key). */
export interface SpCertificate {
  id: string;
  use: SpKeyUse;
  /** `current`: the newest of its use (what IdPs should encrypt to; signs once the rollover is finished); `previous`: kept during a rollover (and signs until it is finished). */
  status: 'current' | 'previous';
  certificate: string;
  fingerprintSha256: string;
  validTo: string;
  createdAt: string;
}

/** The private keys a sign-in needs, decrypted for this request only. */
export interface SpPrivateKeys {
  /** The signing key that signs (PKCS#8 PEM; the oldest during a rollover), or null when none. */
  signing: string | null;
  /** Every encryption key, the current one first. */
  decryption: string[];
}

const sealedFor = (key: Pick<SamlSpKeyEntity, 'id'>) => `saml-sp-key:${key.id}`;

/**
 * Rollcall's own SAML keys per organization: made when SAML is first configured, rotated with an
 * overlap (start: a new key is published beside the old one — IdPs may encrypt to it at once, while
 * the old one keeps signing and decrypting; finish: the old one goes and the new one signs). Private
 * keys are sealed with the SecretBox (the key used for webhook secrets).
 */
@Injectable()
export class SamlSpKeysService {
  constructor(
    private readonly keys: SamlSpKeysRepository,
    private readonly box: SecretBox,
  ) {}

  async certificates(organizationId: string, manager?: EntityManager): Promise<SpCertificate[]> {
    return certificatesOf(await this.keys.list(organizationId, manager));
  }

  async privateKeys(organizationId: string): Promise<SpPrivateKeys> {
    const keys = await this.keys.list(organizationId);
    const open = (key: SamlSpKeyEntity) => this.box.decrypt(key.privateKey, sealedFor(key));
    // During a signing rollover the old key keeps signing: the new one is published first, so that
    // an IdP that checks the signature has the overlap to import it; it signs from the finish.
    const signing = keys.filter((k) => k.use === 'signing').at(-1);
    return {
      signing: signing ? await open(signing) : null,
      decryption: await Promise.all(keys.filter((k) => k.use === 'encryption').map(open)),
    };
  }

  /** Makes a key for each use that has none (the first configuration), in the caller's transaction. */
  async ensure(organizationId: string, slug: string, manager: EntityManager): Promise<void> {
    const existing = await this.keys.list(organizationId, manager);
    for (const use of SP_KEY_USES) {
      if (!existing.some((k) => k.use === use)) await this.add(organizationId, slug, use, manager);
    }
  }

  /**
   * Starts a rollover of these uses: a new key becomes current, the old one stays published (and
   * still decrypts) until `finishRollover`. 409 when one is already in progress.
   */
  async startRollover(
    organizationId: string,
    slug: string,
    uses: SpKeyUse[],
    manager: EntityManager,
  ): Promise<void> {
    const existing = await this.keys.list(organizationId, manager);
    const busy = uses.filter((use) => existing.filter((k) => k.use === use).length > 1);
    if (busy.length > 0) {
      throw new DomainError(
        'conflict',
        `A rollover of the ${busy.join(' and ')} key is already in progress: finish it first (POST /api/v1/sso/saml/sp-keys/rollover/finish).`,
      );
    }
    for (const use of uses) await this.add(organizationId, slug, use, manager);
  }

  /** Finishes a rollover: only the current key of each use remains. 409 when none is in progress. */
  async finishRollover(
    organizationId: string,
    uses: SpKeyUse[],
    manager: EntityManager,
  ): Promise<void> {
    const existing = await this.keys.list(organizationId, manager);
    const current = uses
      .map((use) => existing.find((k) => k.use === use))
      .filter((k): k is SamlSpKeyEntity => k !== undefined);
    const deleted = await this.keys.deleteExcept(
      organizationId,
      uses,
      current.map((k) => k.id),
      manager,
    );
    if (deleted === 0) {
      throw new DomainError(
        'conflict',
        `No rollover of the ${uses.join(' or ')} key is in progress (POST /api/v1/sso/saml/sp-keys/rollover/start begins one).`,
      );
    }
  }

  private async add(
    organizationId: string,
    slug: string,
    use: SpKeyUse,
    manager: EntityManager,
  ): Promise<void> {
    const now = new Date();
    const notAfter = new Date(now);
    notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_YEARS);
    const pair = await selfSignedCertificate({
      commonName: `Rollcall SAML ${use} ${slug}`.slice(0, 64),
      notAfter,
    });
    const id = randomUUID();
    await this.keys.insert(
      {
        id,
        organizationId,
        use,
        certificate: pair.certificate,
        privateKey: await this.box.encrypt(pair.privateKey, sealedFor({ id })),
      },
      manager,
    );
  }
}

/** Newest first within a use: the first of each use is current. */
function certificatesOf(keys: SamlSpKeyEntity[]): SpCertificate[] {
  const seen = new Set<SpKeyUse>();
  const byUse = SP_KEY_USES.flatMap((use) => keys.filter((k) => k.use === use));
  return byUse.map((key) => {
    const status = seen.has(key.use) ? 'previous' : 'current';
    seen.add(key.use);
    const cert = new X509Certificate(key.certificate);
    return {
      id: key.id,
      use: key.use,
      status,
      certificate: key.certificate,
      fingerprintSha256: cert.fingerprint256,
      validTo: new Date(cert.validTo).toISOString(),
      createdAt: key.createdAt.toISOString(),
    };
  });
}
