export type {
  AttributeDefinition,
  AttributeType,
  Mutability,
  ResolvedAttribute,
  ResourceSchema,
  Returned,
  SchemaDefinition,
  SchemaExtension,
  Uniqueness,
} from './types';
export * from './definitions';
export * from './discovery';
