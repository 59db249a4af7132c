import { Module } from '@nestjs/common';
import { IdentityModule } from '@rollcall/identity';
import { OperationsModule } from '@rollcall/operations';
import { TenancyModule } from '@rollcall/tenancy';
import { EventsController } from './api/events.controller';
import { EventsApiService, EventWakeups } from './api/events.service';
import { NatsPublisherRepository } from './nats/nats-publisher.repository';
import { NatsPublisher } from './nats/nats-publisher.worker';
import { EventRetentionWorker } from './retention/event-retention.worker';
import { WebhookSecretBox } from './webhooks/secret-box';
import { WebhookDeliveryWorker } from './webhooks/webhook-delivery.worker';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksRepository } from './webhooks/webhooks.repository';
import { WebhooksService } from './webhooks/webhooks.service';

/**
 * Events for the rest of the platform (docs/events.md): the cursor API over the event log that
 * the identity domain writes, the retention worker, and the NATS JetStream publisher
 * (docs/events.md and docs/performance.md), and webhook endpoints with their delivery worker
 * (docs/events.md).
 */
@Module({
  imports: [IdentityModule, TenancyModule, OperationsModule],
  controllers: [EventsController, WebhooksController],
  providers: [
    EventWakeups,
    EventsApiService,
    EventRetentionWorker,
    NatsPublisherRepository,
    NatsPublisher,
    WebhookSecretBox,
    WebhooksRepository,
    WebhooksService,
    WebhookDeliveryWorker,
  ],
  exports: [
    EventWakeups,
    EventRetentionWorker,
    NatsPublisher,
    WebhooksService,
    WebhookDeliveryWorker,
  ],
})
export class EventsModule {}
