/**
 * A small resource schema for the filter and PATCH specs, independent of the real catalog: one of
 * every attribute type, case rules both ways, a multi-valued complex attribute, an extension with an
 * alias URN and a complex extension attribute.
 */
import type { AttributeDefinition, ResourceSchema } from '../../schema/types';

export const CORE_URN = 'urn:example:core:2.0:Thing';
export const EXT_URN = 'urn:example:extension:corp:2.0:Thing';
export const EXT_ALIAS = 'urn:example:extension:legacy:2.0:Thing';

export function attribute(
  name: string,
  type: AttributeDefinition['type'],
  extra: Partial<AttributeDefinition> = {},
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description: name,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  };
}

export const FIXTURE_COMMON: AttributeDefinition[] = [
  attribute('id', 'string', { caseExact: true, mutability: 'readOnly' }),
  attribute('externalId', 'string', { caseExact: true }),
  attribute('meta', 'complex', {
    mutability: 'readOnly',
    subAttributes: [
      attribute('created', 'dateTime', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', { mutability: 'readOnly' }),
      attribute('version', 'string', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

export const FIXTURE_SCHEMA: ResourceSchema = {
  name: 'User',
  endpoint: '/Users',
  description: 'fixture',
  core: {
    id: CORE_URN,
    name: 'Thing',
    description: 'fixture core',
    attributes: [
      attribute('userName', 'string', { required: true }),
      attribute('displayName', 'string'),
      attribute('title', 'string'),
      attribute('nickName', 'string'),
      attribute('code', 'string', { caseExact: true }),
      attribute('active', 'boolean'),
      attribute('loginCount', 'integer'),
      attribute('score', 'decimal'),
      attribute('lastSeen', 'dateTime'),
      attribute('serial', 'string', { mutability: 'immutable' }),
      attribute('name', 'complex', {
        subAttributes: [
          attribute('givenName', 'string'),
          attribute('familyName', 'string'),
          attribute('middleName', 'string'),
        ],
      }),
      attribute('emails', 'complex', {
        multiValued: true,
        subAttributes: [
          attribute('value', 'string'),
          attribute('type', 'string'),
          attribute('primary', 'boolean'),
          attribute('display', 'string', { mutability: 'readOnly' }),
        ],
      }),
      attribute('tokens', 'complex', {
        multiValued: true,
        subAttributes: [
          attribute('value', 'string', { caseExact: true }),
          attribute('type', 'string'),
        ],
      }),
      attribute('groups', 'complex', {
        multiValued: true,
        mutability: 'readOnly',
        subAttributes: [attribute('value', 'string', { mutability: 'readOnly' })],
      }),
    ],
  },
  extensions: [
    {
      required: false,
      aliases: [EXT_ALIAS],
      schema: {
        id: EXT_URN,
        name: 'Corp',
        description: 'fixture extension',
        attributes: [
          attribute('department', 'string'),
          attribute('manager', 'complex', {
            subAttributes: [
              attribute('value', 'string'),
              attribute('displayName', 'string', { mutability: 'readOnly' }),
            ],
          }),
        ],
      },
    },
  ],
};
