import { DomainError } from '@rollcall/common';
import type { AttributePath } from '../filter/ast';
import { findSchemaScope, resolveAttribute } from '../filter/resolve';
import { COMMON_ATTRIBUTES } from '../schema/definitions';
import type { ResolvedAttribute, ResourceSchema } from '../schema/types';

type Json = Record<string, unknown>;

/** A resolved `attributes`/`excludedAttributes` entry: where it sits in a document. */
interface Selector {
  /** Extension URN key, or undefined for top-level attributes. */
  urn?: string;
  /** Attribute name as the document spells it; undefined selects the whole extension. */
  attribute?: string;
  subAttribute?: string;
  returned: string;
}

function selectorFor(resource: ResourceSchema, path: AttributePath): Selector {
  const resolved: ResolvedAttribute | undefined = resolveAttribute(resource, path, [
    ...COMMON_ATTRIBUTES,
  ]);
  if (resolved) {
    const urn = resolved.schemaUrn === resource.core.id ? undefined : resolved.schemaUrn;
    return {
      ...(urn ? { urn } : {}),
      attribute: resolved.attribute.name,
      ...(resolved.subAttribute ? { subAttribute: resolved.subAttribute.name } : {}),
      returned: resolved.subAttribute?.returned ?? resolved.attribute.returned,
    };
  }
  const whole = [path.uri, path.name].filter(Boolean).join(':');
  const scope = findSchemaScope(resource, whole);
  if (scope?.kind === 'extension') return { urn: scope.urn, returned: 'default' };
  throw new DomainError(
    'invalid_value',
    `"${whole}${path.subAttribute ? `.${path.subAttribute}` : ''}" is not an attribute of ${resource.name}.`,
  );
}

function pick(value: unknown, subAttribute: string | undefined): unknown {
  if (subAttribute === undefined) return value;
  if (Array.isArray(value)) {
    return value
      .filter((v): v is Json => typeof v === 'object' && v !== null)
      .map((v) => (subAttribute in v ? { [subAttribute]: v[subAttribute] } : {}))
      .filter((v) => Object.keys(v).length > 0);
  }
  if (typeof value === 'object' && value !== null && subAttribute in value) {
    return { [subAttribute]: (value as Json)[subAttribute] };
  }
  return undefined;
}

function merge(target: Json, key: string, value: unknown): void {
  const existing = target[key];
  if (
    typeof existing === 'object' &&
    existing !== null &&
    !Array.isArray(existing) &&
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value)
  ) {
    target[key] = { ...existing, ...value };
  } else if (Array.isArray(existing) && Array.isArray(value)) {
    target[key] = existing.map((e, i) => ({ ...(e as Json), ...(value[i] as Json) }));
  } else {
    target[key] = value;
  }
}

/**
 * Applies `attributes` (only these, plus those always returned) or `excludedAttributes` (all but
 * these; never those always returned) to a SCIM document — RFC 7644 §3.4.2.5.
 */
export function projectResource(
  document: Json,
  resource: ResourceSchema,
  attributes: AttributePath[] | undefined,
  excluded: AttributePath[] | undefined,
): Json {
  if (attributes && attributes.length > 0) {
    const result: Json = { schemas: document.schemas, id: document.id };
    for (const selector of attributes.map((p) => selectorFor(resource, p))) {
      const container = selector.urn ? (document[selector.urn] as Json | undefined) : document;
      if (!container) continue;
      if (selector.attribute === undefined) {
        result[selector.urn!] = container;
        continue;
      }
      const value = pick(container[selector.attribute], selector.subAttribute);
      if (value === undefined) continue;
      if (selector.urn) {
        const ext = (result[selector.urn] as Json | undefined) ?? {};
        merge(ext, selector.attribute, value);
        result[selector.urn] = ext;
      } else {
        merge(result, selector.attribute, value);
      }
    }
    return result;
  }
  if (excluded && excluded.length > 0) {
    const result: Json = structuredClone(document);
    for (const selector of excluded.map((p) => selectorFor(resource, p))) {
      if (selector.returned === 'always') continue;
      const container = selector.urn ? (result[selector.urn] as Json | undefined) : result;
      if (!container) continue;
      if (selector.attribute === undefined) {
        delete result[selector.urn!];
      } else if (selector.subAttribute === undefined) {
        delete container[selector.attribute];
      } else {
        const value = container[selector.attribute];
        const strip = (v: unknown) => {
          if (typeof v === 'object' && v !== null) delete (v as Json)[selector.subAttribute!];
        };
        if (Array.isArray(value)) value.forEach(strip);
        else strip(value);
      }
    }
    return result;
  }
  return document;
}
