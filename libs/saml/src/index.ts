export { SamlModule } from './saml.module';
export { SamlMaintenanceWorker } from './connection/saml-maintenance.worker';
