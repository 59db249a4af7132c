export { UsersAdminModule } from './users-admin.module';
