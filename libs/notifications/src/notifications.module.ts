import { Module } from '@nestjs/common';
import { IdentityModule } from '@rollcall/identity';
import { IntegrationModule } from '@rollcall/integration';
import { OperationsModule } from '@rollcall/operations';
import { Mailer } from './mailer';
import { OutboxWorker } from './outbox-worker';

/**
 * Email (SPEC §8): the outbox worker and its mails (SCIM reactivation; SCIM credentials expiring and
 * expired, to the organization's admins), sent over SMTP or written to the log.
 */
@Module({
  imports: [IdentityModule, IntegrationModule, OperationsModule],
  providers: [Mailer, OutboxWorker],
  exports: [OutboxWorker],
})
export class NotificationsModule {}
