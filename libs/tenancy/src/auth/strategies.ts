import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { APP_CONFIG, type AppConfig, type Principal, secretsEqual } from '@rollcall/common';
import { AdminApiKeysService } from '../admin-api-keys/admin-api-keys.service';

export const ADMIN_KEY_STRATEGY = 'admin-api-key';
export const OPERATOR_STRATEGY = 'operator-token';

@Injectable()
export class AdminApiKeyStrategy extends PassportStrategy(BearerStrategy, ADMIN_KEY_STRATEGY) {
  constructor(private readonly keys: AdminApiKeysService) {
    super();
  }

  async validate(token: string): Promise<Principal | false> {
    return (await this.keys.authenticate(token)) ?? false;
  }
}

@Injectable()
export class OperatorTokenStrategy extends PassportStrategy(BearerStrategy, OPERATOR_STRATEGY) {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  validate(token: string): Principal | false {
    return secretsEqual(token, this.config.operatorToken.value) ? { kind: 'operator' } : false;
  }
}
