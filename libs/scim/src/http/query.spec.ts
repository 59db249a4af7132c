import { GROUP_RESOURCE } from '../schema/definitions';
import {
  hasProjection,
  projectionIncludes,
  readProjection,
  readSortOrder,
  searchRequestQuery,
} from './query';

describe('SCIM query parameters', () => {
  it.each([
    [undefined, undefined, true],
    ['displayName', undefined, false],
    ['displayName,members.value', undefined, true],
    ['urn:ietf:params:scim:schemas:core:2.0:Group:members', undefined, true],
    [undefined, 'members', false],
    [undefined, 'MEMBERS,externalId', false],
    [undefined, 'members.display', true],
    [undefined, 'externalId', true],
  ])(
    'attributes=%s excludedAttributes=%s → members included: %s',
    (attributes, excluded, expected) => {
      const projection = readProjection(attributes, excluded);
      expect(projectionIncludes(projection, GROUP_RESOURCE, 'members')).toBe(expected);
      expect(hasProjection(projection)).toBe(attributes !== undefined || excluded !== undefined);
    },
  );

  it('reads sortOrder and SearchRequest fields in any case', () => {
    expect(readSortOrder(undefined)).toBe(false);
    expect(readSortOrder('Descending')).toBe(true);
    expect(() => readSortOrder('up')).toThrow('sortOrder');
    expect(searchRequestQuery({ FILTER: 'x', excludedattributes: ['members'] })).toMatchObject({
      filter: 'x',
      excludedAttributes: ['members'],
    });
    expect(searchRequestQuery('nope')).toEqual(
      expect.objectContaining({ filter: undefined, count: undefined }),
    );
  });
});
