import type { TestApp } from './test-app';

/** The parts of an OpenAPI 3 schema object the security suites read. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Schema> };
}

interface RawOperation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export const HTTP_METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

export interface Operation {
  method: HttpMethod;
  /** As in the document: `/api/v1/users/{id}`. */
  path: string;
  /** `GET /api/v1/users/{id}`, for messages. */
  name: string;
  /** Security scheme names; empty for a public route. */
  security: string[];
  pathParameters: string[];
  queryParameters: Parameter[];
  body?: { contentType: string; schema: Schema };
}

/** The OpenAPI document the running app serves. */
export async function fetchOpenApi(app: TestApp): Promise<OpenApiDocument> {
  const response = await app.http().get('/docs-json').expect(200);
  return response.body as OpenApiDocument;
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!(HTTP_METHODS as readonly string[]).includes(method)) {
        throw new Error(`${method.toUpperCase()} ${path}: an HTTP method the suites do not know`);
      }
      const parameters = raw.parameters ?? [];
      const content = Object.entries(raw.requestBody?.content ?? {});
      const [contentType, media] = content[0] ?? [];
      operations.push({
        method: method as HttpMethod,
        path,
        name: `${method.toUpperCase()} ${path}`,
        security: [...new Set((raw.security ?? []).flatMap((s) => Object.keys(s)))],
        pathParameters: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? ''),
        queryParameters: parameters.filter((p) => p.in === 'query'),
        ...(contentType ? { body: { contentType, schema: media?.schema ?? {} } } : {}),
      });
    }
  }
  return operations;
}

/** A schema with its `$ref` and single `allOf` resolved. */
export function resolve(document: OpenApiDocument, schema: Schema): Schema {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components.schemas[name];
    if (!target) throw new Error(`unknown schema ${schema.$ref}`);
    return resolve(document, target);
  }
  if (schema.allOf?.length === 1 && schema.allOf[0]) {
    return { ...resolve(document, schema.allOf[0]), ...schema, allOf: undefined };
  }
  return schema;
}

/** The component name of a `$ref` schema, for overrides keyed by DTO name. */
export function schemaName(schema: Schema): string | undefined {
  return schema.$ref?.replace('#/components/schemas/', '');
}

/**
 * The value the document gives as an example of a schema: its `example`, else one built from its
 * properties' examples, else its default or first enum value.
 */
export function exampleOf(document: OpenApiDocument, raw: Schema): unknown {
  const schema = resolve(document, raw);
  if (schema.example !== undefined) return schema.example;
  if (schema.properties) {
    return Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [
        name,
        exampleOf(document, property),
      ]),
    );
  }
  if (schema.type === 'array') return schema.items ? [exampleOf(document, schema.items)] : [];
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.type === 'string') return 'example';
  if (schema.type === 'number' || schema.type === 'integer') return 1;
  if (schema.type === 'boolean') return true;
  return {};
}

export interface RegisteredRoute {
  method: string;
  /** Express syntax: `/api/v1/users/:id`. */
  path: string;
}

/**
 * The routes Express really serves (Nest registers every controller method there), so that a route
 * left out of the OpenAPI document (`@ApiExcludeEndpoint`) cannot hide from the suites.
 */
export function registeredRoutes(app: TestApp): RegisteredRoute[] {
  const instance = app.app.getHttpAdapter().getInstance() as {
    router?: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  const stack = instance.router?.stack;
  if (!stack) throw new Error('cannot read the Express router: has the HTTP platform changed?');
  return stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods).map((method) => ({
          method,
          path: layer.route?.path ?? '',
        }))
      : [],
  );
}

/** `/api/v1/users/{id}` in Express syntax. */
export function expressPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}
