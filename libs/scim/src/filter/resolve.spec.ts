import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  ROLLCALL_USER_SCHEMA,
  UDEMY_USER_SCHEMA_ALIAS,
  USER_RESOURCE,
  USER_SCHEMA,
} from '../schema/definitions';
import type { AttributePath } from './ast';
import { parsePatchPath } from './parser';
import { resolveAttribute } from './resolve';
import { CORE_URN, EXT_ALIAS, EXT_URN, FIXTURE_COMMON, FIXTURE_SCHEMA } from './testing/fixtures';

function canonical(path: AttributePath): string | undefined {
  return resolveAttribute(FIXTURE_SCHEMA, path, FIXTURE_COMMON)?.canonicalPath;
}

describe('resolveAttribute', () => {
  it('resolves core attributes case-insensitively to their canonical spelling', () => {
    expect(canonical({ name: 'USERNAME' })).toBe('userName');
    expect(canonical({ name: 'name', subAttribute: 'GIVENNAME' })).toBe('name.givenName');
    expect(canonical({ name: 'emails', subAttribute: 'value' })).toBe('emails.value');
  });

  it('resolves common attributes after core ones', () => {
    const resolved = resolveAttribute(
      FIXTURE_SCHEMA,
      { name: 'meta', subAttribute: 'lastmodified' },
      FIXTURE_COMMON,
    );
    expect(resolved).toMatchObject({ schemaUrn: CORE_URN, canonicalPath: 'meta.lastModified' });
    expect(resolved?.subAttribute?.type).toBe('dateTime');
  });

  it('resolves URN-prefixed paths in the core schema, an extension or an alias', () => {
    expect(canonical({ uri: CORE_URN.toUpperCase(), name: 'userName' })).toBe('userName');
    expect(canonical({ uri: CORE_URN, name: 'externalId' })).toBe('externalId');
    expect(canonical({ uri: EXT_URN, name: 'manager', subAttribute: 'value' })).toBe(
      `${EXT_URN}:manager.value`,
    );
    expect(canonical({ uri: EXT_ALIAS, name: 'DEPARTMENT' })).toBe(`${EXT_URN}:department`);
  });

  it('finds extension attributes by bare name, after core and common ones', () => {
    const resolved = resolveAttribute(FIXTURE_SCHEMA, { name: 'department' }, FIXTURE_COMMON);
    expect(resolved).toMatchObject({ schemaUrn: EXT_URN, canonicalPath: `${EXT_URN}:department` });
  });

  it('returns undefined for unknown attributes, sub-attributes and schemas', () => {
    expect(canonical({ name: 'nope' })).toBeUndefined();
    expect(canonical({ name: 'name', subAttribute: 'nope' })).toBeUndefined();
    expect(canonical({ name: 'userName', subAttribute: 'x' })).toBeUndefined();
    expect(canonical({ uri: 'urn:unknown', name: 'userName' })).toBeUndefined();
    expect(canonical({ uri: EXT_URN, name: 'userName' })).toBeUndefined();
    expect(canonical({ uri: CORE_URN, name: 'department' })).toBeUndefined();
  });

  it('resolves paths of the real User catalog, as parsed from PATCH paths', () => {
    const resolve = (text: string) =>
      resolveAttribute(USER_RESOURCE, parsePatchPath(text).attribute, COMMON_ATTRIBUTES)
        ?.canonicalPath;
    expect(resolve(`${ENTERPRISE_USER_SCHEMA}:manager.value`)).toBe(
      `${ENTERPRISE_USER_SCHEMA}:manager.value`,
    );
    expect(resolve(`${UDEMY_USER_SCHEMA_ALIAS}:licensePoolName`)).toBe(
      `${ROLLCALL_USER_SCHEMA}:licensePoolName`,
    );
    expect(resolve('licensePoolName')).toBe(`${ROLLCALL_USER_SCHEMA}:licensePoolName`);
    expect(resolve(`${USER_SCHEMA}:name.familyName`)).toBe('name.familyName');
    expect(resolve('emails[type eq "work"].value')).toBe('emails');
    expect(resolve('meta.created')).toBe('meta.created');
    expect(resolve('id')).toBe('id');
  });
});
