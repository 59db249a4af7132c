import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError } from '@rollcall/common';
import { PortalAssets, type PortalFile } from './portal-assets';

/** Hashed names: a file's contents never change under its name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets: always asked again (a 304 when unchanged). */
const REVALIDATE = 'no-cache';

/**
 * The admin portal's files at /admin: index.html for /admin and every page path below it (the
 * single-page app routes in the browser), the bundled JavaScript and CSS at /admin/assets. Not API,
 * so not in the OpenAPI document.
 */
@ApiExcludeController()
@Controller('admin')
export class PortalUiController {
  constructor(private readonly files: PortalAssets) {}

  @Get()
  home(@Res() response: Response): void {
    this.sendIndex(response);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    const file = this.files.asset(name);
    if (!file) throw new DomainError('route_not_found', `The admin portal has no asset ${name}.`);
    send(response, file, IMMUTABLE);
  }

  /** A page path (no file extension) is the app's; anything with one is a file that is not there. */
  @Get('*path')
  page(@Param('path') path: string[] | string, @Res() response: Response): void {
    const segments = Array.isArray(path) ? path : [path];
    const last = segments[segments.length - 1] ?? '';
    if (/\.[A-Za-z0-9]+$/.test(last) || segments[0] === 'assets') {
      throw new DomainError('route_not_found', 'The admin portal has no such file.');
    }
    this.sendIndex(response);
  }

  private sendIndex(response: Response): void {
    const index = this.files.index();
    if (!index) {
      throw new DomainError(
        'service_unavailable',
        'The admin portal is not built: run `npm run build:portal` (npm start and npm run build do).',
      );
    }
    send(response, index, REVALIDATE);
  }
}

function send(response: Response, file: PortalFile, cacheControl: string): void {
  response.setHeader('Cache-Control', cacheControl);
  response.type(file.type).send(file.body);
}
