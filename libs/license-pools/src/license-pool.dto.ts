import { IsOptionalNotNull, isoTimestamps, TimestampsDto } from '@rollcall/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { LicensePool } from '@rollcall/identity';

const MAX_CAPACITY = 10_000_000;
const NAME_PATTERN = /\S/;

export class LicensePoolCreateDto {
  @ApiProperty({
    description: 'Unique within the organization (any case)',
    example: 'Sales',
    maxLength: 100,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(NAME_PATTERN, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({ description: 'Seats in the pool', example: 50, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(MAX_CAPACITY)
  capacity!: number;
}

export class LicensePoolUpdateDto {
  @ApiPropertyOptional({
    description: 'New name (custom pools only)',
    example: 'Sales EMEA',
    maxLength: 100,
  })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(NAME_PATTERN, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({
    description: 'New capacity (custom pools only; not below `used`)',
    example: 80,
    minimum: 0,
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_CAPACITY)
  capacity?: number;
}

export class LicensePoolResponseDto extends TimestampsDto {
  @ApiProperty({ format: 'uuid', example: '5b7c1e2a-8f7d-4c1e-9a3b-1f2e3d4c5b6a' })
  id!: string;

  @ApiProperty({ example: 'Sales' })
  name!: string;

  @ApiProperty({
    example: false,
    description: 'The default pool: cannot be renamed, resized or deleted',
  })
  isDefault!: boolean;

  @ApiProperty({
    example: 50,
    description: 'Seats; for the default pool, the licenses no custom pool has',
  })
  capacity!: number;

  @ApiProperty({ example: 12, description: 'Seats held by active users' })
  used!: number;

  @ApiProperty({ example: 38 })
  remaining!: number;

  static from(pool: LicensePool): LicensePoolResponseDto {
    return isoTimestamps(pool);
  }
}

export class LicensePoolListResponseDto {
  @ApiProperty({ type: [LicensePoolResponseDto] })
  data!: LicensePoolResponseDto[];
}
