export { ScimSearchModule } from './scim-search.module';
export { ScimRootSearchService } from './root-search.service';
