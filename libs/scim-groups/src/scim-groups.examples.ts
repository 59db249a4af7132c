/** Request and response examples for the OpenAPI document. */
const BASE = 'https://rollcall.example.com/scim/v2';
const USER_ID = '2819c223-7f76-453a-919d-413861904646';
const GROUP_ID = 'e9e30dba-f08f-4109-8486-d5c6a331660a';

export const SCIM_GROUP_CREATE_EXAMPLE = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  displayName: 'Sales Reps',
  externalId: '00g1emaKYZTWRYYRRTSK',
  members: [{ value: USER_ID, display: 'Barbara Jensen' }],
};

export const SCIM_GROUP_EXAMPLE = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: GROUP_ID,
  externalId: '00g1emaKYZTWRYYRRTSK',
  displayName: 'Sales Reps',
  members: [
    { value: USER_ID, $ref: `${BASE}/Users/${USER_ID}`, display: 'Barbara Jensen', type: 'User' },
  ],
  meta: {
    resourceType: 'Group',
    created: '2026-11-23T03:00:00.000Z',
    lastModified: '2026-11-23T03:05:00.000Z',
    location: `${BASE}/Groups/${GROUP_ID}`,
    version: 'W/"3"',
  },
};

export const SCIM_GROUP_PATCH_EXAMPLE = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [
    { op: 'Add', path: 'members', value: [{ value: USER_ID }] },
    { op: 'remove', path: 'members[value eq "6c5bb468-14b2-4183-baf2-06d523e03bd3"]' },
    { op: 'replace', path: 'displayName', value: 'Sales Representatives' },
  ],
};

export const SCIM_GROUP_LIST_EXAMPLE = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  totalResults: 1,
  startIndex: 1,
  itemsPerPage: 1,
  Resources: [
    {
      schemas: SCIM_GROUP_EXAMPLE.schemas,
      id: SCIM_GROUP_EXAMPLE.id,
      externalId: SCIM_GROUP_EXAMPLE.externalId,
      displayName: SCIM_GROUP_EXAMPLE.displayName,
      meta: SCIM_GROUP_EXAMPLE.meta,
    },
  ],
};
