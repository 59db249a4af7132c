import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  DomainError,
  generateKeyId,
  generateSecret,
  hashSecret,
  type Principal,
  secretMatchesHash,
} from '@rollcall/common';
import type { AdminApiKeyEntity } from './admin-api-key.entity';
import { AdminApiKeysRepository } from './admin-api-keys.repository';

const KEY_PREFIX = 'rcak_';
const KEY_FORMAT = /^rcak_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is written at most this often per key, so authentication rarely writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface AdminApiKey {
  id: string;
  name: string;
  /** The public start of the key, enough to recognize it in a list. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface IssuedAdminApiKey extends AdminApiKey {
  /** The whole key. It is returned once and only its hash is kept. */
  key: string;
}

function toAdminApiKey(entity: AdminApiKeyEntity): AdminApiKey {
  return {
    id: entity.id,
    name: entity.name,
    prefix: `${KEY_PREFIX}${entity.keyId}`,
    createdAt: entity.createdAt,
    lastUsedAt: entity.lastUsedAt,
    revokedAt: entity.revokedAt,
  };
}

@Injectable()
export class AdminApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: AdminApiKeysRepository,
  ) {}

  async issue(
    organizationId: string,
    name: string,
    manager?: EntityManager,
  ): Promise<IssuedAdminApiKey> {
    const keyId = generateKeyId(12);
    const secret = generateSecret(32);
    const entity = await this.keys.insert(
      { organizationId, name, keyId, secretHash: hashSecret(secret) },
      manager,
    );
    return { ...toAdminApiKey(entity), key: `${KEY_PREFIX}${keyId}_${secret}` };
  }

  async list(organizationId: string): Promise<AdminApiKey[]> {
    return (await this.keys.listByOrganization(organizationId)).map(toAdminApiKey);
  }

  /** Revokes a key at once. The last active key cannot be revoked: the organization would be locked out. */
  revoke(organizationId: string, id: string): Promise<AdminApiKey> {
    return this.dataSource.transaction(async (manager) => {
      const active = await this.keys.lockActive(organizationId, manager);
      const key = await this.keys.findInOrganization(organizationId, id, manager);
      if (!key) throw DomainError.notFound('Admin API key');
      if (key.revokedAt) return toAdminApiKey(key);
      if (active.length <= 1) {
        throw new DomainError(
          'last_admin_key',
          'This is the organization’s last active admin API key; create another key before revoking it.',
        );
      }
      await this.keys.markRevoked(key.id, manager);
      const revoked = await this.keys.findInOrganization(organizationId, id, manager);
      return toAdminApiKey(revoked!);
    });
  }

  /** The caller behind a presented key, or undefined for anything malformed, unknown or revoked. */
  async authenticate(presented: string): Promise<Principal | undefined> {
    const match = KEY_FORMAT.exec(presented);
    if (!match) return undefined;
    const [, keyId, secret] = match as unknown as [string, string, string];
    const key = await this.keys.findActiveByKeyId(keyId);
    if (!key || !secretMatchesHash(secret, key.secretHash)) return undefined;
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.keys.markUsed(key.id);
    }
    return { kind: 'admin', organizationId: key.organizationId, apiKeyId: key.id };
  }
}
