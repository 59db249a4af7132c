export { EventsModule } from './events.module';
export { EventWakeups, EVENTS_CHANNEL, toEventDto } from './api/events.service';
export { EventRetentionWorker } from './retention/event-retention.worker';
export { NatsPublisher } from './nats/nats-publisher.worker';
export { WebhooksService } from './webhooks/webhooks.service';
export { WebhookDeliveryWorker } from './webhooks/webhook-delivery.worker';
