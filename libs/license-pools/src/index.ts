export { LicensePoolsModule } from './license-pools.module';
