/**
 * RFC 7644 §3.10 attribute notation: `[URI ":"] ATTRNAME ["." subAttr]`, e.g. `userName`,
 * `name.givenName`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
 *
 * The URN and the attribute name are separated by the last `:`; a sub-attribute follows a `.` (so the
 * dots inside `2.0` belong to the URN). Names follow the RFC 7643 §2.1 ATTRNAME rule, liberally
 * extended with `$ref`-style names and underscores.
 */
import type { AttributePath } from './ast';
import type { ErrorFactory } from './lexer';

const ATTRIBUTE_NAME = /^\$?[A-Za-z_][A-Za-z0-9_-]*$/;

export function isAttributeName(text: string): boolean {
  return ATTRIBUTE_NAME.test(text);
}

/** Parses one attribute path written without spaces or brackets; `position` is for messages. */
export function parseAttributePath(
  text: string,
  position: number,
  fail: ErrorFactory,
): AttributePath {
  const colon = text.lastIndexOf(':');
  const uri = colon >= 0 ? text.slice(0, colon) : undefined;
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  if (uri !== undefined && uri.length === 0) {
    throw fail(`"${text}" at character ${position} has an empty schema URN before ":"`);
  }
  const parts = rest.split('.');
  if (parts.length > 2) {
    throw fail(
      `"${text}" at character ${position} has more than one "." (write attribute or ` +
        'attribute.subAttribute)',
    );
  }
  const [name, subAttribute] = parts;
  if (!isAttributeName(name)) {
    throw fail(`"${text}" at character ${position} is not an attribute name`);
  }
  if (subAttribute !== undefined && !isAttributeName(subAttribute)) {
    throw fail(`"${text}" at character ${position} has an invalid sub-attribute name`);
  }
  const path: AttributePath = { name };
  if (uri !== undefined) path.uri = uri;
  if (subAttribute !== undefined) path.subAttribute = subAttribute;
  return path;
}

export function formatAttributePath(path: AttributePath): string {
  const prefix = path.uri === undefined ? '' : `${path.uri}:`;
  const suffix = path.subAttribute === undefined ? '' : `.${path.subAttribute}`;
  return `${prefix}${path.name}${suffix}`;
}
