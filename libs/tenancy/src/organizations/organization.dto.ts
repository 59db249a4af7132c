import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Equals,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PLANS, type Organization, type Plan } from '@rollcall/identity';
import { IsOptionalNotNull, isoTimestamps, TimestampsDto } from '@rollcall/common';

export const MAX_LICENSES = 10_000_000;

export class OrganizationCreateDto {
  @ApiProperty({ description: 'Display name', example: 'Acme Corporation', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    description: 'URL-safe identifier used in SSO URLs; lowercase letters, digits and hyphens',
    example: 'acme',
    pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$',
  })
  @IsString()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
    message:
      'slug must be 1-63 lowercase letters, digits or hyphens, starting and ending with a letter or digit',
  })
  slug!: string;

  @ApiProperty({ enum: PLANS, example: 'enterprise' })
  @IsIn(PLANS)
  plan!: Plan;

  @ApiProperty({ description: 'Licenses in the subscription', example: 500, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(MAX_LICENSES)
  totalLicenses!: number;

  @ApiPropertyOptional({
    description: 'Give every user a Pro license when they first sign in',
    example: false,
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  proForAllUsers?: boolean;
}

export class OrganizationResponseDto extends TimestampsDto {
  @ApiProperty({ format: 'uuid', example: '3fc49b2e-0d54-4d67-bd09-9da91f14bbe1' })
  id!: string;

  @ApiProperty({ example: 'Acme Corporation' })
  name!: string;

  @ApiProperty({ example: 'acme' })
  slug!: string;

  @ApiProperty({ enum: PLANS, example: 'enterprise' })
  plan!: Plan;

  @ApiProperty({ example: 500 })
  totalLicenses!: number;

  @ApiProperty({ example: false })
  proForAllUsers!: boolean;

  static from(organization: Organization): OrganizationResponseDto {
    return isoTimestamps(organization);
  }
}

export class OrganizationCreatedResponseDto extends OrganizationResponseDto {
  @ApiProperty({
    description:
      'The organization’s first admin API key. It is shown only in this response; store it now.',
    example: 'rcak_h3K9xLq2Vb7N_6Qw0mXe1yU4rT8pZ2sA9dF3gH5jK7lC0vB1nM2qW4eR6tY',
  })
  adminApiKey!: string;
}

export class OrganizationListResponseDto {
  @ApiProperty({ type: [OrganizationResponseDto] })
  data!: OrganizationResponseDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}

export class OrganizationUpdateDto {
  @ApiPropertyOptional({ example: 'Acme Corp.', maxLength: 200 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: PLANS, example: 'enterprise' })
  @IsOptionalNotNull()
  @IsIn(PLANS)
  plan?: Plan;

  @ApiPropertyOptional({
    description: 'Licenses in the subscription; the default pool takes the difference',
    example: 750,
    minimum: 0,
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_LICENSES)
  totalLicenses?: number;

  @ApiPropertyOptional({ example: true })
  @IsOptionalNotNull()
  @IsBoolean()
  proForAllUsers?: boolean;
}

const OPERATOR_OWNS = (field: string) =>
  `${field} is part of the subscription and only the operator of this Rollcall installation can change it`;

/** What an organization's admins may change about it: the rest is the operator's. */
export class OrganizationSettingsUpdateDto {
  @ApiPropertyOptional({ description: 'Display name', example: 'Acme Corp.', maxLength: 200 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    description: 'Give every user a Pro license when they first sign in',
    example: true,
  })
  @IsOptionalNotNull()
  @IsBoolean()
  proForAllUsers?: boolean;

  // Named so that sending them is refused with a reason instead of "not a known field".
  @ApiHideProperty()
  @Equals(undefined, { message: OPERATOR_OWNS('plan') })
  plan?: never;

  @ApiHideProperty()
  @Equals(undefined, { message: OPERATOR_OWNS('totalLicenses') })
  totalLicenses?: never;
}
