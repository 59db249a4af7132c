/** Request and response examples for the OpenAPI document. */
export const SCIM_USER_EXAMPLE = {
  schemas: [
    'urn:ietf:params:scim:schemas:core:2.0:User',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User',
  ],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: '00u1abcd2EFGH3ijk4x7',
  userName: 'bjensen@example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Barbara Jensen' },
  displayName: 'Barbara Jensen',
  active: true,
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
  groups: [],
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Sales' },
  'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User': { licensePoolName: 'Sales' },
  meta: {
    resourceType: 'User',
    created: '2026-11-23T03:00:00.000Z',
    lastModified: '2026-11-23T03:00:00.000Z',
    location: 'https://rollcall.example.com/scim/v2/Users/2819c223-7f76-453a-919d-413861904646',
    version: 'W/"1"',
  },
};

export const SCIM_PATCH_EXAMPLE = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [
    { op: 'Replace', path: 'active', value: 'False' },
    { op: 'replace', path: 'emails[type eq "work"].value', value: 'barbara@example.com' },
    {
      op: 'replace',
      path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
      value: 'Tour Operations',
    },
  ],
};

export const SCIM_LIST_EXAMPLE = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  totalResults: 1,
  startIndex: 1,
  itemsPerPage: 1,
  Resources: [SCIM_USER_EXAMPLE],
};
