export { SamlModule } from './saml.module';
