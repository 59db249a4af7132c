export { NotificationsModule } from './notifications.module';
export { OutboxWorker, BATCH_SIZE, CLAIM_LEASE_MS } from './outbox-worker';
export { retryDelayMs } from './mail-templates';
