import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import {
  ERROR_OUTCOME,
  type ErrorOutcome,
  OUTCOME_NOTE,
  requestStart,
  type RollcallRequest,
} from '@rollcall/common';
import { ProvisioningLogService } from './provisioning-log.service';

const RESOURCE = /^\/scim\/v2\/(Users|Groups)(?:\/([0-9a-fA-F-]{36}))?/;
/** The id at the end of a created resource's Location (an absolute URL under the public URL). */
const CREATED_ID = /\/(?:Users|Groups)\/([0-9a-fA-F-]{36})$/;

/** Records each authenticated SCIM request once its response has gone out. */
@Injectable()
export class ProvisioningLogMiddleware implements NestMiddleware {
  constructor(private readonly log: ProvisioningLogService) {}

  use(req: RollcallRequest, res: Response, next: NextFunction): void {
    const { hr: started, at: occurredAt } = requestStart(req);
    res.on('finish', () => {
      const principal = req.user;
      if (principal?.kind !== 'scim') return;
      const path = req.originalUrl.split('?')[0] ?? '';
      const match = RESOURCE.exec(path);
      const location = res.getHeader('Location');
      const createdId = typeof location === 'string' ? CREATED_ID.exec(location)?.[1] : undefined;
      const error = res.locals[ERROR_OUTCOME] as ErrorOutcome | undefined;
      const body = req.body as { userName?: unknown } | undefined;
      this.log.record({
        organizationId: principal.organizationId,
        occurredAt,
        requestId: typeof req.id === 'string' ? req.id : null,
        method: req.method,
        path: path.slice(0, 512),
        resourceType: match?.[1] === 'Users' ? 'User' : match?.[1] === 'Groups' ? 'Group' : null,
        resourceId: (match?.[2] ?? createdId ?? null)?.toLowerCase() ?? null,
        userName: typeof body?.userName === 'string' ? body.userName.slice(0, 256) : null,
        status: res.statusCode,
        outcome: res.statusCode < 400 ? 'success' : 'failure',
        scimType: error?.scimType ?? null,
        detail:
          (error?.detail ?? (res.locals[OUTCOME_NOTE] as string | undefined))?.slice(0, 1024) ??
          null,
        reason: error ? (error.reason ?? error.code) : null,
        durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
      });
    });
    next();
  }
}
