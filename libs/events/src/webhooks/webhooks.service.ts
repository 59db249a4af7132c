import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  APP_CONFIG,
  type AppConfig,
  decodeCursor,
  DomainError,
  type Page,
  toPage,
} from '@rollcall/common';
import {
  decodeEventCursor,
  type EventCursor,
  EventLog,
  type EventType,
  LOG_START,
} from '@rollcall/identity';
import { WebhookSecretBox } from './secret-box';
import { resolveWebhookTarget, type UrlPolicy, WebhookUrlRefused } from './url-guard';
import {
  MAX_ENDPOINTS_PER_ORGANIZATION,
  type StoredEndpoint,
  type WebhookDelivery,
  type WebhookEndpoint,
} from './webhook.model';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { generateWebhookSecret } from './webhook-sender';
import { type EndpointChanges, WebhooksRepository } from './webhooks.repository';

/** The longest a rotated-out secret keeps signing. */
export const MAX_PREVIOUS_SECRET_SECONDS = 7 * 86_400;

export interface NewEndpoint {
  url: string;
  description?: string;
  types?: EventType[];
  enabled?: boolean;
}

/** An endpoint and its signing secret, shown this once (creation, rotation). */
export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

/** Where a replay starts: a cursor (delivery goes on after it), `start` (of the log) or `now`. */
export type ReplayFrom = string;

function publicView(endpoint: StoredEndpoint): WebhookEndpoint {
  const {
    sealedSecret: _secret,
    sealedPreviousSecret: _previous,
    version: _version,
    ...rest
  } = endpoint;
  return rest;
}

/**
 * The admin API of webhook endpoints: each organization's endpoints, their signing secrets (shown
 * once, kept encrypted), their delivery log, and replay (moving an endpoint's cursor).
 */
@Injectable()
export class WebhooksService {
  private readonly policy: UrlPolicy;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly endpoints: WebhooksRepository,
    private readonly secrets: WebhookSecretBox,
    private readonly log: EventLog,
    private readonly worker: WebhookDeliveryWorker,
  ) {
    this.policy = {
      allowPrivateUrls: config.events.webhooks.allowPrivateUrls,
      production: config.env === 'production',
    };
  }

  /** A new endpoint, delivered the events from now on. */
  async create(organizationId: string, input: NewEndpoint): Promise<EndpointWithSecret> {
    const url = await this.checkUrl(input.url);
    if (
      (await this.endpoints.countInOrganization(organizationId)) >= MAX_ENDPOINTS_PER_ORGANIZATION
    ) {
      throw new DomainError(
        'conflict',
        `An organization has at most ${MAX_ENDPOINTS_PER_ORGANIZATION} webhook endpoints: delete one first.`,
      );
    }
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const stored = await this.endpoints.insert({
      id,
      organizationId,
      url,
      description: input.description ?? null,
      types: normalizeTypes(input.types),
      enabled: input.enabled ?? true,
      sealedSecret: await this.secrets.encrypt(secret, id),
      cursor: await this.log.now(),
    });
    this.worker.poke();
    return { endpoint: publicView(stored), secret };
  }

  async list(organizationId: string): Promise<WebhookEndpoint[]> {
    return (await this.endpoints.listInOrganization(organizationId)).map(publicView);
  }

  async get(organizationId: string, id: string): Promise<WebhookEndpoint> {
    return publicView(await this.find(organizationId, id));
  }

  /** Changes an endpoint; enabling it again clears its failure state. */
  async update(
    organizationId: string,
    id: string,
    changes: Omit<EndpointChanges, 'types'> & { types?: EventType[] | null },
  ): Promise<WebhookEndpoint> {
    // Another organization's endpoint (or none) is a 404, whatever the body says.
    await this.find(organizationId, id);
    const checked: EndpointChanges = { ...changes };
    if (changes.url !== undefined) checked.url = await this.checkUrl(changes.url);
    if (changes.types !== undefined) checked.types = normalizeTypes(changes.types ?? undefined);
    const updated = await this.endpoints.update(organizationId, id, checked);
    if (!updated) throw DomainError.notFound('Webhook endpoint');
    this.worker.poke();
    return publicView(updated);
  }

  async delete(organizationId: string, id: string): Promise<void> {
    if (!(await this.endpoints.delete(organizationId, id))) {
      throw DomainError.notFound('Webhook endpoint');
    }
  }

  /**
   * A new signing secret, shown this once. With `keepPreviousSeconds`, deliveries are signed with
   * the previous secret too for that long (the receiver can switch without refusing any).
   */
  async rotateSecret(
    organizationId: string,
    id: string,
    keepPreviousSeconds = 0,
  ): Promise<EndpointWithSecret> {
    const current = await this.find(organizationId, id);
    const secret = generateWebhookSecret();
    const keep = keepPreviousSeconds > 0;
    const rotated = await this.endpoints.rotateSecret(
      organizationId,
      id,
      await this.secrets.encrypt(secret, id),
      keep ? current.sealedSecret : null,
      keep ? new Date(Date.now() + keepPreviousSeconds * 1000) : null,
    );
    if (!rotated) throw DomainError.notFound('Webhook endpoint');
    return { endpoint: publicView(rotated), secret };
  }

  /** The endpoint's delivery log, newest first. */
  async deliveries(
    organizationId: string,
    id: string,
    query: { limit?: number; cursor?: string },
  ): Promise<Page<WebhookDelivery>> {
    await this.find(organizationId, id);
    const limit = query.limit ?? 50;
    const rows = await this.endpoints.listDeliveries(
      organizationId,
      id,
      decodeCursor(query.cursor),
      limit,
    );
    return toPage(rows, limit, (row) => row);
  }

  /**
   * Replay: delivery goes on after `from` (a cursor from the events API or the delivery log, the
   * start of the log, or now). Events already delivered after it are delivered again, in order,
   * with the same `webhook-id`s.
   */
  async replay(organizationId: string, id: string, from: ReplayFrom): Promise<WebhookEndpoint> {
    await this.find(organizationId, id);
    let cursor: EventCursor;
    if (from === 'start') cursor = LOG_START;
    else if (from === 'now') cursor = await this.log.now();
    else {
      cursor = decodeEventCursor(from);
      // 410 cursor_expired when retention has pruned events after it.
      await this.log.read({ organizationId, after: cursor, limit: 1 });
    }
    const moved = await this.endpoints.moveCursor(organizationId, id, cursor);
    if (!moved) throw DomainError.notFound('Webhook endpoint');
    this.worker.poke();
    return publicView(moved);
  }

  private async find(organizationId: string, id: string): Promise<StoredEndpoint> {
    const endpoint = await this.endpoints.findInOrganization(organizationId, id);
    if (!endpoint) throw DomainError.notFound('Webhook endpoint');
    return endpoint;
  }

  /** The URL as stored, once its form and every address of its host pass (SSRF). */
  private async checkUrl(text: string): Promise<string> {
    try {
      const target = await resolveWebhookTarget(text, this.policy);
      return target.url.toString();
    } catch (error) {
      if (!(error instanceof WebhookUrlRefused)) throw error;
      throw new DomainError('validation_failed', error.reason, [
        { field: 'url', message: error.reason },
      ]);
    }
  }
}

/** Types sorted and without repeats; none given: every type (null). */
function normalizeTypes(types: EventType[] | undefined): EventType[] | null {
  return types === undefined ? null : [...new Set(types)].sort();
}
