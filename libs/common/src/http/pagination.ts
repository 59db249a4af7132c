import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DomainError } from '../errors/domain-error';

export const MAX_PAGE_SIZE = 200;

/** `?limit=&cursor=`: keyset paging, stable under inserts, that costs the same on page 1 and page 1000. */
export class PageQueryDto {
  @ApiPropertyOptional({
    description: `Items per page (1-${MAX_PAGE_SIZE})`,
    example: 50,
    default: 50,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({
    description: 'The `nextCursor` of the previous page',
    example: 'MjAyNi0xMS0yM1QwMzowMDowMC4wMDBafDNmYzQ5YjJlLTBkNTQtNGQ2Ny1iZDA5LTlkYTkxZjE0YmJlMQ',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a cursor returned by this API' })
  cursor?: string;
}

/** A log's page query with a time range: `?from=&to=` (from inclusive, to exclusive). */
export class TimeRangeQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Entries at or after this instant',
    example: '2026-11-23T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description: 'Entries before this instant',
    example: '2026-11-24T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

/** The range of a TimeRangeQueryDto as dates, for a service's query. */
export function timeRangeOf(query: TimeRangeQueryDto): { from?: Date; to?: Date } {
  return {
    ...(query.from ? { from: new Date(query.from) } : {}),
    ...(query.to ? { to: new Date(query.to) } : {}),
  };
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Position of a row in (created_at, id) order. */
export interface Cursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`, 'utf8').toString(
    'base64url',
  );
}

/**
 * Whether PostgreSQL can compare a timestamp with this date: a valid date in the years 1 to 9999
 * (JavaScript dates reach 271821 BC, PostgreSQL stops at 4713 BC and has no year 0).
 */
export function isStorableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1 && year <= 9999;
}

export function decodeCursor(value: string | undefined): Cursor | undefined {
  if (value === undefined) return undefined;
  const [createdAt, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  const date = new Date(createdAt ?? '');
  if (
    !isStorableDate(date) ||
    date.toISOString() !== createdAt ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id ?? '')
  ) {
    throw new DomainError('validation_failed', 'cursor is not a cursor returned by this API.', [
      { field: 'cursor', message: 'cursor must be a cursor returned by this API' },
    ]);
  }
  return { createdAt: date, id };
}

/** Turns `limit + 1` fetched rows into a page and the cursor of the row after it. */
export function toPage<T extends Cursor, R>(rows: T[], limit: number, map: (row: T) => R): Page<R> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { data: items.map(map), nextCursor: more && last ? encodeCursor(last) : null };
}
