/**
 * The SCIM 2.0 schema catalog (RFC 7643 §3.1, §4 and the §8.7.1 representation) as data.
 *
 * Every attribute carries every characteristic; where the RFC leaves one out, the §2.2 default is
 * written down explicitly. The catalog is deep-frozen at load time: callers read it, never change it.
 */
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './types';

// ---------------------------------------------------------------------------------------------
// URNs
// ---------------------------------------------------------------------------------------------

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ROLLCALL_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';
/** Accepted on input as the Rollcall extension, because customers reuse IdP templates. */
export const UDEMY_USER_SCHEMA_ALIAS = 'urn:ietf:params:scim:schemas:extension:udemy:2.0:User';

export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

export const SERVICE_PROVIDER_CONFIG_SCHEMA =
  'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

// ---------------------------------------------------------------------------------------------
// Builders (RFC 7643 §2.2 defaults; anything else is spelled out at the call site)
// ---------------------------------------------------------------------------------------------

type Characteristics = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

function attr(
  name: string,
  type: AttributeDefinition['type'],
  description: string,
  characteristics: Characteristics = {},
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...characteristics,
  };
}

function complex(
  name: string,
  description: string,
  subAttributes: AttributeDefinition[],
  characteristics: Characteristics = {},
): AttributeDefinition {
  return attr(name, 'complex', description, { ...characteristics, subAttributes });
}

const PRIMARY_DESCRIPTION =
  "A Boolean value indicating the 'primary' or preferred attribute value for this attribute. " +
  'The primary attribute value true appears no more than once.';
const DISPLAY_DESCRIPTION = 'A human-readable name, primarily used for display purposes.';

/** The value / display / type / primary quartet of RFC 7643 §2.4 multi-valued attributes. */
function multiValuedComplex(
  name: string,
  description: string,
  value: AttributeDefinition,
  typeDescription: string,
  canonicalTypes: string[],
): AttributeDefinition {
  return complex(
    name,
    description,
    [
      value,
      attr('display', 'string', DISPLAY_DESCRIPTION),
      attr('type', 'string', typeDescription, { canonicalValues: canonicalTypes }),
      attr('primary', 'boolean', PRIMARY_DESCRIPTION),
    ],
    { multiValued: true },
  );
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) {
      deepFreeze((value as Record<string, unknown>)[key]);
    }
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Common attributes (RFC 7643 §3.1): part of every resource, never listed in a schema document
// ---------------------------------------------------------------------------------------------

export const COMMON_ATTRIBUTES: AttributeDefinition[] = deepFreeze([
  attr(
    'id',
    'string',
    'A unique identifier for a SCIM resource as defined by the service provider.',
    { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' },
  ),
  attr(
    'externalId',
    'string',
    "An identifier for the resource as defined by the provisioning client's own records.",
    { caseExact: true },
  ),
  complex(
    'meta',
    'A complex attribute containing resource metadata.',
    [
      attr('resourceType', 'string', 'The name of the resource type of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
      attr('created', 'dateTime', 'The date and time the resource was added to Rollcall.', {
        mutability: 'readOnly',
      }),
      attr(
        'lastModified',
        'dateTime',
        'The most recent date and time the details of this resource were updated.',
        { mutability: 'readOnly' },
      ),
      attr('location', 'reference', 'The URI of the resource being returned.', {
        caseExact: true,
        mutability: 'readOnly',
        referenceTypes: ['uri'],
      }),
      attr(
        'version',
        'string',
        'The version of the resource being returned, equal to its current ETag.',
        { caseExact: true, mutability: 'readOnly' },
      ),
    ],
    { mutability: 'readOnly' },
  ),
]);

// ---------------------------------------------------------------------------------------------
// User (RFC 7643 §4.1, §8.7.1)
// ---------------------------------------------------------------------------------------------

export const USER_CORE: SchemaDefinition = deepFreeze({
  id: USER_SCHEMA,
  name: 'User',
  description: 'A user account in an organization.',
  attributes: [
    attr(
      'userName',
      'string',
      'Unique identifier for the User, typically used by the user to directly authenticate to ' +
        'the service provider. Each User has a non-empty userName, unique within the organization.',
      { required: true, uniqueness: 'server' },
    ),
    complex('name', "The components of the user's real name.", [
      attr(
        'formatted',
        'string',
        "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III').",
      ),
      attr(
        'familyName',
        'string',
        "The family name of the User, or last name in most Western languages (e.g., 'Jensen' given the full name 'Ms. Barbara J Jensen, III').",
      ),
      attr(
        'givenName',
        'string',
        "The given name of the User, or first name in most Western languages (e.g., 'Barbara' given the full name 'Ms. Barbara J Jensen, III').",
      ),
      attr(
        'middleName',
        'string',
        "The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, III').",
      ),
      attr(
        'honorificPrefix',
        'string',
        "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' given the full name 'Ms. Barbara J Jensen, III').",
      ),
      attr(
        'honorificSuffix',
        'string',
        "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' given the full name 'Ms. Barbara J Jensen, III').",
      ),
    ]),
    attr('displayName', 'string', 'The name of the User, suitable for display to end-users.'),
    attr(
      'nickName',
      'string',
      "The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'.",
    ),
    attr(
      'profileUrl',
      'reference',
      "A fully qualified URL pointing to a page representing the User's online profile.",
      { referenceTypes: ['external'] },
    ),
    attr('title', 'string', "The user's title, such as 'Vice President'."),
    attr(
      'userType',
      'string',
      "Used to identify the relationship between the organization and the user, e.g., 'Contractor' or 'Employee'.",
    ),
    attr(
      'preferredLanguage',
      'string',
      "The User's preferred written or spoken language, as an RFC 7231 language tag (e.g., 'en-US').",
    ),
    attr(
      'locale',
      'string',
      "The User's default location for localizing items such as currency and dates (e.g., 'en-US').",
    ),
    attr(
      'timezone',
      'string',
      "The User's time zone in the IANA Time Zone database format, e.g., 'America/Los_Angeles'.",
    ),
    attr('active', 'boolean', "A Boolean value indicating the User's administrative status."),
    attr(
      'password',
      'string',
      "The User's cleartext password. Rollcall accepts it and ignores it: users sign in through SSO.",
      { mutability: 'writeOnly', returned: 'never' },
    ),
    multiValuedComplex(
      'emails',
      "Email addresses for the user, e.g., 'bjensen@example.com'.",
      attr('value', 'string', 'An email address for the User.'),
      "A label indicating the attribute's function, e.g., 'work' or 'home'.",
      ['work', 'home', 'other'],
    ),
    multiValuedComplex(
      'phoneNumbers',
      "Phone numbers for the User, e.g., 'tel:+1-201-555-0123'.",
      attr('value', 'string', 'A phone number for the User.'),
      "A label indicating the attribute's function, e.g., 'work', 'home' or 'mobile'.",
      ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    ),
    multiValuedComplex(
      'ims',
      'Instant messaging addresses for the User.',
      attr('value', 'string', 'An instant messaging address for the User.'),
      "A label indicating the attribute's function, e.g., 'aim', 'gtalk' or 'xmpp'.",
      ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    ),
    multiValuedComplex(
      'photos',
      'URLs of photos of the User.',
      attr('value', 'reference', 'The URL of a photo of the User.', {
        referenceTypes: ['external'],
      }),
      "A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.",
      ['photo', 'thumbnail'],
    ),
    complex(
      'addresses',
      'A physical mailing address for this User.',
      [
        attr(
          'formatted',
          'string',
          'The full mailing address, formatted for display or use with a mailing label.',
        ),
        attr(
          'streetAddress',
          'string',
          'The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information.',
        ),
        attr('locality', 'string', 'The city or locality component.'),
        attr('region', 'string', 'The state or region component.'),
        attr('postalCode', 'string', 'The zip code or postal code component.'),
        attr('country', 'string', 'The country name component, as an ISO 3166-1 alpha-2 code.'),
        attr(
          'type',
          'string',
          "A label indicating the attribute's function, e.g., 'work' or 'home'.",
          {
            canonicalValues: ['work', 'home', 'other'],
          },
        ),
        attr('primary', 'boolean', PRIMARY_DESCRIPTION),
      ],
      { multiValued: true },
    ),
    complex(
      'groups',
      'A list of groups to which the user belongs, either through direct membership or through nested groups. Group membership is changed through the Group resource.',
      [
        attr('value', 'string', "The identifier of the User's group.", {
          mutability: 'readOnly',
        }),
        attr(
          '$ref',
          'reference',
          "The URI of the corresponding 'Group' resource to which the user belongs.",
          { mutability: 'readOnly', referenceTypes: ['User', 'Group'] },
        ),
        attr('display', 'string', DISPLAY_DESCRIPTION, { mutability: 'readOnly' }),
        attr(
          'type',
          'string',
          "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.",
          { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] },
        ),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
  ],
});

// ---------------------------------------------------------------------------------------------
// Enterprise User extension (RFC 7643 §4.3, §8.7.1)
// ---------------------------------------------------------------------------------------------

export const ENTERPRISE_USER: SchemaDefinition = deepFreeze({
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Attributes commonly used for users who belong to or act on behalf of a business.',
  attributes: [
    attr(
      'employeeNumber',
      'string',
      'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.',
    ),
    attr('costCenter', 'string', 'Identifies the name of a cost center.'),
    attr('organization', 'string', 'Identifies the name of an organization.'),
    attr('division', 'string', 'Identifies the name of a division.'),
    attr('department', 'string', 'Identifies the name of a department.'),
    complex('manager', "The User's manager, referencing the 'id' attribute of another User.", [
      attr('value', 'string', "The id of the SCIM resource representing the User's manager."),
      attr('$ref', 'reference', "The URI of the SCIM resource representing the User's manager.", {
        referenceTypes: ['User'],
      }),
      attr('displayName', 'string', "The displayName of the User's manager.", {
        mutability: 'readOnly',
      }),
    ]),
  ],
});

// ---------------------------------------------------------------------------------------------
// Rollcall User extension (SPEC §3)
// ---------------------------------------------------------------------------------------------

export const ROLLCALL_USER: SchemaDefinition = deepFreeze({
  id: ROLLCALL_USER_SCHEMA,
  name: 'RollcallUser',
  description: 'Rollcall attributes of a user, such as the license pool that holds its seat.',
  attributes: [
    attr(
      'licensePoolName',
      'string',
      "The name of the license pool the user belongs to, matched case-insensitively. 'default " +
        "license pool' or a blank value means the organization's default pool. Ignored when the " +
        'organization has no custom pools.',
    ),
  ],
});

// ---------------------------------------------------------------------------------------------
// Group (RFC 7643 §4.2, §8.7.1)
// ---------------------------------------------------------------------------------------------

export const GROUP_CORE: SchemaDefinition = deepFreeze({
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'A group of users in an organization.',
  attributes: [
    attr(
      'displayName',
      'string',
      'A human-readable name for the Group, unique within the organization.',
      { required: true, uniqueness: 'server' },
    ),
    complex(
      'members',
      'A list of members of the Group: users of the same organization. Nested groups are not ' +
        'supported: a member that is a Group is refused.',
      [
        attr('value', 'string', "The 'id' of a User that is a member of this Group.", {
          mutability: 'immutable',
        }),
        attr('$ref', 'reference', 'The URI of the User resource that is a member of this Group.', {
          mutability: 'immutable',
          referenceTypes: ['User'],
        }),
        attr('display', 'string', DISPLAY_DESCRIPTION, { mutability: 'readOnly' }),
        attr(
          'type',
          'string',
          "A label indicating the type of resource: always 'User' (nested groups are not supported).",
          { mutability: 'immutable', canonicalValues: ['User'] },
        ),
      ],
      { multiValued: true },
    ),
  ],
});

// ---------------------------------------------------------------------------------------------
// Resource types (RFC 7643 §6)
// ---------------------------------------------------------------------------------------------

export const USER_RESOURCE: ResourceSchema = deepFreeze({
  name: 'User',
  endpoint: '/Users',
  description: 'The user accounts of an organization.',
  core: USER_CORE,
  extensions: [
    { schema: ENTERPRISE_USER, required: false },
    { schema: ROLLCALL_USER, required: false, aliases: [UDEMY_USER_SCHEMA_ALIAS] },
  ],
});

export const GROUP_RESOURCE: ResourceSchema = deepFreeze({
  name: 'Group',
  endpoint: '/Groups',
  description: 'The groups of an organization.',
  core: GROUP_CORE,
  extensions: [],
});

/** Both resource types, in the order discovery lists them. */
export const RESOURCE_SCHEMAS: readonly ResourceSchema[] = deepFreeze([
  USER_RESOURCE,
  GROUP_RESOURCE,
]);

/** Every schema definition served by /Schemas, in the order it lists them. */
export const SCHEMA_DEFINITIONS: readonly SchemaDefinition[] = deepFreeze([
  USER_CORE,
  ENTERPRISE_USER,
  ROLLCALL_USER,
  GROUP_CORE,
]);
