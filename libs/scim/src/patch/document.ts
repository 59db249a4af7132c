/** Helpers over SCIM JSON documents: copying, comparing and case-insensitive keys (RFC 7643 §2.1). */
import { findKey, getKey, isRecord } from '../filter/values';

export { findKey, getKey, isRecord };

/** A deep copy of JSON data (arrays and plain objects are copied; anything else is kept as is). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneJson(item)) as T;
  if (isRecord(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty keeps a "__proto__" key an own property, as JSON.parse made it.
      Object.defineProperty(copy, key, {
        value: cloneJson(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy as T;
  }
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => deepEqual(item, b[index]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(
    (key) => Object.prototype.hasOwnProperty.call(b, key) && deepEqual(a[key], b[key]),
  );
}

/** Sets a property under its canonical name, dropping spellings that differ only in case. */
export function writeKey(target: Record<string, unknown>, name: string, value: unknown): void {
  deleteKey(target, name);
  target[name] = value;
}

/** Deletes a property in every spelling that differs only in case. */
export function deleteKey(target: Record<string, unknown>, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(target)) {
    if (key.toLowerCase() === lower) delete target[key];
  }
}
