import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What other modules erase, in the anonymization's transaction (e.g. the provisioning log). */
export interface UserErasure {
  organizationId: string;
  userId: string;
  oldUserName: string;
  placeholder: string;
}

/**
 * A module that keeps a user's personal data outside the user's row (the provisioning log, the SSO
 * sign-in log). Anonymization erases it through here, so the domain needs to know no channel.
 */
export interface PersonalDataHolder {
  /** Runs before the anonymization's transaction (e.g. writes rows still buffered in memory). */
  beforeErasure?(): Promise<void>;
  /** Erases what it holds of the user, in the anonymization's transaction. */
  eraseUser(erasure: UserErasure, manager: EntityManager): Promise<void>;
}

/** The holders of personal data, each registered by its own module when it starts. */
@Injectable()
export class PersonalDataHolders {
  private readonly holders: PersonalDataHolder[] = [];

  register(holder: PersonalDataHolder): void {
    if (!this.holders.includes(holder)) this.holders.push(holder);
  }

  async beforeErasure(): Promise<void> {
    for (const holder of this.holders) await holder.beforeErasure?.();
  }

  async eraseUser(erasure: UserErasure, manager: EntityManager): Promise<void> {
    for (const holder of this.holders) await holder.eraseUser(erasure, manager);
  }
}
