import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Cursor } from '../http/pagination';

/**
 * A log's page: the query's rows newest first by (`timeColumn`, id), at most `limit` of them, after
 * the cursor's position. Its (organization, time, id) index serves it from any position.
 */
export function newestFirst<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  timeColumn: string,
  after: Cursor | undefined,
  limit: number,
): SelectQueryBuilder<T> {
  const id = `${query.alias}.id`;
  query.orderBy(timeColumn, 'DESC').addOrderBy(id, 'DESC').limit(limit);
  if (after) {
    query.andWhere(`(${timeColumn}, ${id}) < (:afterAt, :afterId)`, {
      afterAt: after.createdAt,
      afterId: after.id,
    });
  }
  return query;
}
