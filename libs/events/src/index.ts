export { EventsModule } from './events.module';
export { EventWakeups, EVENTS_CHANNEL, toEventDto } from './api/events.service';
export { EventRetentionWorker } from './retention/event-retention.worker';
