/** Request and response examples of the root search for the OpenAPI document. */
const BASE = 'https://rollcall.example.com/scim/v2';
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const USER_ID = '2819c223-7f76-453a-919d-413861904646';
const GROUP_ID = 'e9e30dba-f08f-4109-8486-d5c6a331660a';

export const ROOT_SEARCH_REQUEST_EXAMPLE = {
  schemas: [SEARCH_REQUEST],
  filter: 'displayName sw "Sales"',
  startIndex: 1,
  count: 10,
  excludedAttributes: ['members', 'groups'],
};

export const ROOT_SEARCH_RESPONSE_EXAMPLE = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  totalResults: 2,
  startIndex: 1,
  itemsPerPage: 2,
  Resources: [
    {
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User',
      ],
      id: USER_ID,
      userName: 'sally@example.com',
      displayName: 'Sales Sally',
      active: true,
      'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User': { licensePoolName: 'Default' },
      meta: {
        resourceType: 'User',
        created: '2026-11-23T03:00:00.000Z',
        lastModified: '2026-11-23T03:00:00.000Z',
        location: `${BASE}/Users/${USER_ID}`,
        version: 'W/"1"',
      },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: GROUP_ID,
      displayName: 'Sales Reps',
      meta: {
        resourceType: 'Group',
        created: '2026-11-23T03:01:00.000Z',
        lastModified: '2026-11-23T03:05:00.000Z',
        location: `${BASE}/Groups/${GROUP_ID}`,
        version: 'W/"3"',
      },
    },
  ],
};
