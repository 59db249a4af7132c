import { Module } from '@nestjs/common';
import { IdentityModule } from '@rollcall/identity';
import { OperationsModule } from '@rollcall/operations';
import { TenancyModule } from '@rollcall/tenancy';
import { EventsController } from './api/events.controller';
import { EventsApiService, EventWakeups } from './api/events.service';
import { EventRetentionWorker } from './retention/event-retention.worker';

/**
 * Events for the rest of the platform (docs/events.md): the cursor API over the event log that
 * the identity domain writes, and the retention worker.
 */
@Module({
  imports: [IdentityModule, TenancyModule, OperationsModule],
  controllers: [EventsController],
  providers: [EventWakeups, EventsApiService, EventRetentionWorker],
  exports: [EventWakeups, EventRetentionWorker],
})
export class EventsModule {}
