export { SamlModule } from './saml.module';
export { SignInLogService } from './log/sign-in-log.service';
