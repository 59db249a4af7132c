import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER,
  ENTERPRISE_USER_SCHEMA,
  GROUP_CORE,
  GROUP_RESOURCE,
  GROUP_SCHEMA,
  ROLLCALL_USER,
  ROLLCALL_USER_SCHEMA,
  SCHEMA_DEFINITIONS,
  UDEMY_USER_SCHEMA_ALIAS,
  USER_CORE,
  USER_RESOURCE,
  USER_SCHEMA,
} from './definitions';
import {
  MAX_PAGE_SIZE,
  resourceType,
  resourceTypes,
  schemaDocumentById,
  schemaDocuments,
  serviceProviderConfig,
} from './discovery';
import type { AttributeDefinition, SchemaDefinition } from './types';

const BASE = 'http://host/scim/v2';

const CHARACTERISTICS = [
  'name',
  'type',
  'multiValued',
  'description',
  'required',
  'caseExact',
  'mutability',
  'returned',
  'uniqueness',
] as const;
const TYPES = [
  'string',
  'boolean',
  'decimal',
  'integer',
  'dateTime',
  'reference',
  'complex',
  'binary',
];
const MUTABILITIES = ['readOnly', 'readWrite', 'immutable', 'writeOnly'];
const RETURNED = ['always', 'never', 'default', 'request'];
const UNIQUENESS = ['none', 'server', 'global'];

/** Every problem found in a list of attributes (and their sub-attributes), as readable strings. */
function problems(attributes: AttributeDefinition[], where: string, depth = 0): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const attribute of attributes) {
    const at = `${where}.${attribute.name}`;
    for (const key of CHARACTERISTICS) {
      if (attribute[key] === undefined) found.push(`${at} lacks ${key}`);
    }
    if (!/^\$?[A-Za-z][\w-]*$/.test(attribute.name)) found.push(`${at} has a bad name`);
    if (!TYPES.includes(attribute.type)) found.push(`${at} has type ${attribute.type}`);
    if (!MUTABILITIES.includes(attribute.mutability)) found.push(`${at} has bad mutability`);
    if (!RETURNED.includes(attribute.returned)) found.push(`${at} has bad returned`);
    if (!UNIQUENESS.includes(attribute.uniqueness)) found.push(`${at} has bad uniqueness`);
    if (!/^[A-Z'].*\.$/.test(attribute.description.trim())) {
      found.push(`${at} description is not a sentence`);
    }
    const key = attribute.name.toLowerCase();
    if (seen.has(key)) found.push(`${at} is declared twice (case-insensitively)`);
    seen.add(key);
    if (attribute.type === 'reference' && !attribute.referenceTypes?.length) {
      found.push(`${at} is a reference without referenceTypes`);
    }
    if (attribute.type !== 'reference' && attribute.referenceTypes !== undefined) {
      found.push(`${at} has referenceTypes but is not a reference`);
    }
    if (attribute.type === 'complex') {
      if (depth > 0) found.push(`${at} is a complex sub-attribute`);
      if (!attribute.subAttributes?.length) found.push(`${at} is complex without subAttributes`);
      else found.push(...problems(attribute.subAttributes, at, depth + 1));
    } else if (attribute.subAttributes !== undefined) {
      found.push(`${at} has subAttributes but is not complex`);
    }
  }
  return found;
}

function find(attributes: AttributeDefinition[], name: string): AttributeDefinition {
  const attribute = attributes.find((candidate) => candidate.name === name);
  if (attribute === undefined) throw new Error(`no attribute ${name}`);
  return attribute;
}

const names = (attributes: AttributeDefinition[] | undefined): string[] =>
  (attributes ?? []).map((attribute) => attribute.name);

describe('schema catalog', () => {
  const schemas: [string, SchemaDefinition][] = SCHEMA_DEFINITIONS.map((schema) => [
    schema.name,
    schema,
  ]);

  it.each(schemas)('%s is well-formed', (_name, schema) => {
    expect(problems(schema.attributes, schema.name)).toEqual([]);
    expect(schema.id).toMatch(/^urn:ietf:params:scim:schemas:/);
    expect(schema.description).toMatch(/^[A-Z].*\.$/);
  });

  it('has well-formed common attributes that no schema redeclares', () => {
    expect(problems(COMMON_ATTRIBUTES, 'common')).toEqual([]);
    expect(names(COMMON_ATTRIBUTES)).toEqual(['id', 'externalId', 'meta']);
    expect(find(COMMON_ATTRIBUTES, 'id')).toMatchObject({
      mutability: 'readOnly',
      returned: 'always',
      caseExact: true,
      uniqueness: 'server',
    });
    expect(find(COMMON_ATTRIBUTES, 'externalId')).toMatchObject({
      mutability: 'readWrite',
      caseExact: true,
    });
    const meta = find(COMMON_ATTRIBUTES, 'meta');
    expect(names(meta.subAttributes)).toEqual([
      'resourceType',
      'created',
      'lastModified',
      'location',
      'version',
    ]);
    expect(meta.subAttributes?.every((sub) => sub.mutability === 'readOnly')).toBe(true);
    expect(find(meta.subAttributes ?? [], 'created').type).toBe('dateTime');
    expect(find(meta.subAttributes ?? [], 'location')).toMatchObject({
      type: 'reference',
      referenceTypes: ['uri'],
    });
    for (const schema of SCHEMA_DEFINITIONS) {
      const declared = names(schema.attributes).map((name) => name.toLowerCase());
      expect(declared).not.toContain('id');
      expect(declared).not.toContain('externalid');
      expect(declared).not.toContain('meta');
    }
  });

  it('describes the core User attributes Rollcall supports, and only those', () => {
    expect(USER_CORE.id).toBe(USER_SCHEMA);
    expect(names(USER_CORE.attributes)).toEqual([
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'password',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
    ]);
    expect(find(USER_CORE.attributes, 'userName')).toMatchObject({
      type: 'string',
      required: true,
      caseExact: false,
      uniqueness: 'server',
      mutability: 'readWrite',
    });
    expect(find(USER_CORE.attributes, 'active').type).toBe('boolean');
    expect(find(USER_CORE.attributes, 'password')).toMatchObject({
      mutability: 'writeOnly',
      returned: 'never',
    });
    expect(names(find(USER_CORE.attributes, 'name').subAttributes)).toEqual([
      'formatted',
      'familyName',
      'givenName',
      'middleName',
      'honorificPrefix',
      'honorificSuffix',
    ]);
    const addresses = find(USER_CORE.attributes, 'addresses');
    expect(addresses.multiValued).toBe(true);
    expect(names(addresses.subAttributes)).toEqual([
      'formatted',
      'streetAddress',
      'locality',
      'region',
      'postalCode',
      'country',
      'type',
      'primary',
    ]);
    for (const multi of ['emails', 'phoneNumbers', 'ims', 'photos']) {
      const attribute = find(USER_CORE.attributes, multi);
      expect(attribute.multiValued).toBe(true);
      expect(names(attribute.subAttributes)).toEqual(['value', 'display', 'type', 'primary']);
      expect(find(attribute.subAttributes ?? [], 'type').canonicalValues?.length).toBeGreaterThan(
        0,
      );
      expect(find(attribute.subAttributes ?? [], 'primary').type).toBe('boolean');
    }
    const groups = find(USER_CORE.attributes, 'groups');
    expect(groups).toMatchObject({ multiValued: true, mutability: 'readOnly' });
    expect(names(groups.subAttributes)).toEqual(['value', '$ref', 'display', 'type']);
    expect(groups.subAttributes?.every((sub) => sub.mutability === 'readOnly')).toBe(true);
    expect(find(groups.subAttributes ?? [], 'type').canonicalValues).toEqual([
      'direct',
      'indirect',
    ]);
  });

  it('describes the enterprise and Rollcall extensions', () => {
    expect(ENTERPRISE_USER.id).toBe(ENTERPRISE_USER_SCHEMA);
    expect(names(ENTERPRISE_USER.attributes)).toEqual([
      'employeeNumber',
      'costCenter',
      'organization',
      'division',
      'department',
      'manager',
    ]);
    const manager = find(ENTERPRISE_USER.attributes, 'manager');
    expect(names(manager.subAttributes)).toEqual(['value', '$ref', 'displayName']);
    expect(find(manager.subAttributes ?? [], 'displayName').mutability).toBe('readOnly');

    expect(ROLLCALL_USER).toMatchObject({ id: ROLLCALL_USER_SCHEMA, name: 'RollcallUser' });
    expect(ROLLCALL_USER.attributes).toEqual([
      expect.objectContaining({
        name: 'licensePoolName',
        type: 'string',
        multiValued: false,
        required: false,
        caseExact: false,
        mutability: 'readWrite',
        returned: 'default',
      }),
    ]);
  });

  it('describes Group with a unique displayName and immutable references to member users', () => {
    expect(GROUP_CORE.id).toBe(GROUP_SCHEMA);
    expect(names(GROUP_CORE.attributes)).toEqual(['displayName', 'members']);
    expect(find(GROUP_CORE.attributes, 'displayName')).toMatchObject({
      required: true,
      uniqueness: 'server',
    });
    const members = find(GROUP_CORE.attributes, 'members');
    expect(members.multiValued).toBe(true);
    const sub = members.subAttributes ?? [];
    expect(names(sub)).toEqual(['value', '$ref', 'display', 'type']);
    expect(find(sub, 'value').mutability).toBe('immutable');
    expect(find(sub, '$ref')).toMatchObject({
      mutability: 'immutable',
      referenceTypes: ['User'],
    });
    expect(find(sub, 'display').mutability).toBe('readOnly');
    // Nested groups are not supported: only users can be members.
    expect(find(sub, 'type').canonicalValues).toEqual(['User']);
    expect(members.description).toContain('Nested groups are not supported');
  });

  it('wires the resource schemas to their core schemas and extensions', () => {
    expect(USER_RESOURCE).toMatchObject({ name: 'User', endpoint: '/Users', core: USER_CORE });
    expect(USER_RESOURCE.extensions).toEqual([
      { schema: ENTERPRISE_USER, required: false },
      { schema: ROLLCALL_USER, required: false, aliases: [UDEMY_USER_SCHEMA_ALIAS] },
    ]);
    expect(GROUP_RESOURCE).toMatchObject({ name: 'Group', endpoint: '/Groups', core: GROUP_CORE });
    expect(GROUP_RESOURCE.extensions).toEqual([]);
  });

  it('cannot be changed by a caller', () => {
    const userName = find(USER_CORE.attributes, 'userName');
    expect(() => {
      userName.required = false;
    }).toThrow(TypeError);
    expect(() => USER_CORE.attributes.push(userName)).toThrow(TypeError);
  });
});

describe('discovery documents', () => {
  it('serves a ServiceProviderConfig that tells the truth', () => {
    const config = serviceProviderConfig(BASE);
    expect(config.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
    expect(MAX_PAGE_SIZE).toBe(200);
    expect(config.filter).toEqual({ supported: true, maxResults: 200 });
    expect(config.patch.supported).toBe(true);
    expect(config.bulk).toEqual({ supported: false, maxOperations: 0, maxPayloadSize: 0 });
    expect(config.changePassword.supported).toBe(false);
    expect(config.sort.supported).toBe(true);
    expect(config.etag.supported).toBe(true);
    expect(config.authenticationSchemes.map((scheme) => scheme.type)).toEqual([
      'oauthbearertoken',
      'httpbasic',
    ]);
    expect(config.authenticationSchemes[0].name).toBe('OAuth Bearer Token');
    expect(config.meta).toEqual({
      resourceType: 'ServiceProviderConfig',
      location: `${BASE}/ServiceProviderConfig`,
    });
    expect(config).not.toHaveProperty('documentationUri');
    expect(serviceProviderConfig(`${BASE}/`, 'http://host/docs')).toMatchObject({
      documentationUri: 'http://host/docs',
      meta: { location: `${BASE}/ServiceProviderConfig` },
    });
  });

  it('serves the User and Group resource types', () => {
    const [user, group] = resourceTypes(BASE);
    expect(resourceTypes(BASE)).toHaveLength(2);
    expect(user).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: USER_RESOURCE.description,
      schema: USER_SCHEMA,
      schemaExtensions: [
        { schema: ENTERPRISE_USER_SCHEMA, required: false },
        { schema: ROLLCALL_USER_SCHEMA, required: false },
      ],
      meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/User` },
    });
    expect(group).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      endpoint: '/Groups',
      schema: GROUP_SCHEMA,
      meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/Group` },
    });
    expect(JSON.stringify(resourceTypes(BASE))).not.toContain(UDEMY_USER_SCHEMA_ALIAS);
    expect(resourceType(BASE, 'Group')).toEqual(group);
    expect(resourceType(BASE, 'Widget')).toBeUndefined();
  });

  it('serves one schema document per schema, with every characteristic of every attribute', () => {
    const documents = schemaDocuments(BASE);
    expect(documents.map((document) => document.id)).toEqual([
      USER_SCHEMA,
      ENTERPRISE_USER_SCHEMA,
      ROLLCALL_USER_SCHEMA,
      GROUP_SCHEMA,
    ]);
    expect(documents.map((document) => document.name)).toEqual([
      'User',
      'EnterpriseUser',
      'RollcallUser',
      'Group',
    ]);
    for (const document of documents) {
      expect(document.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
      expect(document.meta).toEqual({
        resourceType: 'Schema',
        location: `${BASE}/Schemas/${document.id}`,
      });
      // What goes over the wire is the catalog itself, characteristics and sub-attributes included.
      const wire = JSON.parse(JSON.stringify(document.attributes));
      const definition = SCHEMA_DEFINITIONS.find((schema) => schema.id === document.id);
      expect(wire).toEqual(definition?.attributes);
      expect(problems(wire, document.name)).toEqual([]);
      expect(names(wire)).not.toContain('id');
    }
    const emails = find(documents[0].attributes, 'emails');
    expect(Object.keys(emails)).toEqual([
      'name',
      'type',
      'multiValued',
      'description',
      'required',
      'caseExact',
      'mutability',
      'returned',
      'uniqueness',
      'subAttributes',
    ]);
  });

  it('returns fresh documents that callers may change without touching the catalog', () => {
    const document = schemaDocuments(BASE)[0];
    document.attributes[0].required = false;
    expect(find(USER_CORE.attributes, 'userName').required).toBe(true);
    expect(schemaDocuments(BASE)[0].attributes[0].required).toBe(true);
  });

  it('finds a schema document by URN in any case', () => {
    expect(schemaDocumentById(BASE, ENTERPRISE_USER_SCHEMA.toUpperCase())?.id).toBe(
      ENTERPRISE_USER_SCHEMA,
    );
    expect(schemaDocumentById(BASE, UDEMY_USER_SCHEMA_ALIAS)).toBeUndefined();
  });
});
