import { ApiProperty } from '@nestjs/swagger';

/** createdAt/updatedAt as every admin API resource shows them (ISO 8601, UTC). */
export class TimestampsDto {
  @ApiProperty({ example: '2026-11-23T03:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-23T03:00:00.000Z' })
  updatedAt!: string;
}

/** A read model with its Date timestamps written as ISO strings. */
export function isoTimestamps<T extends { createdAt: Date; updatedAt: Date }>(
  value: T,
): Omit<T, 'createdAt' | 'updatedAt'> & TimestampsDto {
  return {
    ...value,
    createdAt: value.createdAt.toISOString(),
    updatedAt: value.updatedAt.toISOString(),
  };
}
