import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SecretBox } from '@rollcall/common';

// The box itself lives in libs/common (SAML keeps its private keys in it too).
export {
  KEY_FILE_NAME,
  keyFromDataDir,
  type KeySource,
  SERVER_KEY_PURPOSE,
} from '@rollcall/common';

/**
 * Encrypts webhook signing secrets at rest (the endpoint id as associated data), with a warning at
 * boot when the key is kept in PostgreSQL itself (ROLLCALL_WEBHOOK_SECRET_KEY unset).
 */
@Injectable()
export class WebhookSecretBox extends SecretBox implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookSecretBox.name);

  onApplicationBootstrap(): void {
    if (this.source === 'database' && this.config.database.kind === 'postgres') {
      this.logger.warn(
        'ROLLCALL_WEBHOOK_SECRET_KEY is not set: webhook signing secrets are encrypted with a key kept in the database itself. Set it (32 random bytes, base64) before production.',
      );
    }
  }
}
