import { Module, type OnModuleInit } from '@nestjs/common';
import { IdentityModule, OutboxService } from '@rollcall/identity';
import { IntegrationModule } from '@rollcall/integration';
import { MetricsService, OperationsModule } from '@rollcall/operations';
import { Mailer } from './mailer';
import { OutboxWorker } from './outbox-worker';

/**
 * Email (SPEC §8): the outbox worker and its mails (SCIM reactivation; SCIM credentials expiring and
 * expired, to the organization's admins), sent over SMTP or written to the log; and the outbox
 * gauges' reader for /metrics.
 */
@Module({
  imports: [IdentityModule, IntegrationModule, OperationsModule],
  providers: [Mailer, OutboxWorker],
  exports: [OutboxWorker],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    this.metrics.reportOutboxBacklog(() => this.outbox.backlog());
  }
}
