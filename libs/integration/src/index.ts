export { IntegrationModule } from './integration.module';
