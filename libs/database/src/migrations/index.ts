// The ordered list of migrations, maintained by `npm run migration:generate`.
import type { MigrationInterface } from 'typeorm';
import { Foundation1795405270983 } from './1795405270983-Foundation';
import { ScimUsers1795406040690 } from './1795406040690-ScimUsers';
import { ScimGroups1795408366168 } from './1795408366168-ScimGroups';
import { OutboxDeliveryAndExpiryNotices1795410199077 } from './1795410199077-OutboxDeliveryAndExpiryNotices';
import { SamlSso1795414803092 } from './1795414803092-SamlSso';
import { RateLimitCounters1795418000000 } from './1795418000000-RateLimitCounters';
import { ScimPageIndex1795420000000 } from './1795420000000-ScimPageIndex';
import { ScimCredentialSignals1795422000000 } from './1795422000000-ScimCredentialSignals';
import { ScimGroupMemberChange1795424000000 } from './1795424000000-ScimGroupMemberChange';
import { ServerKeys1795426000000 } from './1795426000000-ServerKeys';
import { EventLog1795428000000 } from './1795428000000-EventLog';
import { Webhooks1795430000000 } from './1795430000000-Webhooks';
import { EventPublishers1795432000000 } from './1795432000000-EventPublishers';
import { ScimPreviousCredentials1795438000000 } from './1795438000000-ScimPreviousCredentials';
import { SamlBreadth1795440000000 } from './1795440000000-SamlBreadth';
import { AdminSessions1795444000000 } from './1795444000000-AdminSessions';
import { ScimLogReason1795446000000 } from './1795446000000-ScimLogReason';

type MigrationClass = new () => MigrationInterface;

export const MIGRATIONS: MigrationClass[] = [
  Foundation1795405270983,
  ScimUsers1795406040690,
  ScimGroups1795408366168,
  OutboxDeliveryAndExpiryNotices1795410199077,
  SamlSso1795414803092,
  RateLimitCounters1795418000000,
  ScimPageIndex1795420000000,
  ScimCredentialSignals1795422000000,
  ScimGroupMemberChange1795424000000,
  ServerKeys1795426000000,
  EventLog1795428000000,
  Webhooks1795430000000,
  EventPublishers1795432000000,
  ScimPreviousCredentials1795438000000,
  SamlBreadth1795440000000,
  AdminSessions1795444000000,
  ScimLogReason1795446000000,
];
