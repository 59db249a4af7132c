import { Module } from '@nestjs/common';
import { PortalAssets } from './portal-assets';
import { PortalUiController } from './portal-ui.controller';

/** Serves the admin portal's bundled front end (apps/portal, built into dist/portal) at /admin. */
@Module({
  controllers: [PortalUiController],
  providers: [{ provide: PortalAssets, useFactory: () => new PortalAssets() }],
})
export class PortalUiModule {}
