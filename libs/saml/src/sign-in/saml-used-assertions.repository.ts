import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { runStatement } from '@rollcall/common';

/**
 * The `saml_used_assertions` table: the replay cache, the ids of assertions already used to sign
 * in, per organization, kept until the assertion could no longer be presented. One round trip per
 * method.
 */
/** How often an instance sweeps expired assertions out of the replay cache. */
export const SWEEP_INTERVAL_MS = 60_000;

@Injectable()
export class SamlUsedAssertionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records the assertion as used; false when it already was (the primary key decides, so two
   * instances receiving the same assertion at once cannot both succeed).
   */
  async insert(organizationId: string, assertionId: string, expiresAt: Date): Promise<boolean> {
    const inserted = await runStatement(
      this.dataSource,
      `INSERT INTO saml_used_assertions (organization_id, assertion_id, expires_at)
       VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING assertion_id`,
      [organizationId, assertionId, expiresAt],
    );
    return inserted.length > 0;
  }

  private lastSweep = 0;

  /**
   * Forgets assertions past their expiry, any organization's (indexed on expires_at), at most once
   * every SWEEP_INTERVAL_MS per instance: an expired entry left a little longer refuses nothing
   * that could still be presented, and the sweep is housekeeping, not a sign-in's work.
   */
  async deleteExpired(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    await runStatement(
      this.dataSource,
      'DELETE FROM saml_used_assertions WHERE expires_at < now()',
      [],
    );
  }
}
