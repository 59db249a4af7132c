import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsOptionalNotNull, MAX_PAGE_SIZE } from '@rollcall/common';
import {
  ADMIN_USER_SORTS,
  type AdminUserSort,
  LICENSE_TIERS,
  ROLES,
  type Role,
  type User,
  USER_STATUSES,
  type UserStatus,
} from '@rollcall/identity';

/** The admin list's filters and order, shared by the list and the CSV export. */
export class UserFilterQueryDto {
  @ApiPropertyOptional({
    enum: USER_STATUSES,
    description: 'Only users in this status',
    example: 'active',
  })
  @IsOptional()
  @IsIn(USER_STATUSES)
  status?: UserStatus;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only users of this license pool',
    example: '5b7c1e2a-8f7d-4c1e-9a3b-1f2e3d4c5b6a',
  })
  @IsOptional()
  @IsUUID()
  poolId?: string;

  @ApiPropertyOptional({ enum: ROLES, description: 'Only users with this role', example: 'admin' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({
    description: 'Only users the IdP manages through SCIM (true) or only the others (false)',
    example: true,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  scimManaged?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only members of this group',
    example: '0f8fad5b-d9cb-469f-a165-70867728950e',
  })
  @IsOptional()
  @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ description: 'Text in userName, names or email', example: 'jensen' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    enum: ADMIN_USER_SORTS,
    default: 'createdAt',
    description:
      'Order: a field, descending with a leading `-`; ties are broken by id. `lastLoginAt` puts users who never signed in first (last with `-lastLoginAt`). A `cursor` only continues the order it was made for.',
    example: '-lastLoginAt',
  })
  @IsOptional()
  @IsIn(ADMIN_USER_SORTS)
  sort?: AdminUserSort;
}

export class UserListQueryDto extends UserFilterQueryDto {
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
    description: 'The `nextCursor` of the previous page (with the same `sort`)',
    example:
      'WyJjcmVhdGVkQXQiLCIyMDI2LTExLTIzVDAzOjAwOjAwLjAwMFoiLCIyODE5YzIyMy03Zjc2LTQ1M2EtOTE5ZC00MTM4NjE5MDQ2NDYiXQ',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,600}$/, { message: 'cursor must be a cursor returned by this API' })
  cursor?: string;
}

export class UserUpdateDto {
  @ApiPropertyOptional({ enum: ROLES, example: 'group_admin' })
  @IsOptionalNotNull()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Move the user (and its seat) to this pool. SSO reverts it when the IdP sends another pool.',
    example: '5b7c1e2a-8f7d-4c1e-9a3b-1f2e3d4c5b6a',
  })
  @IsOptional()
  @IsUUID()
  licensePoolId?: string;
}

export class UserLicensePoolDto {
  @ApiProperty({ format: 'uuid', example: '5b7c1e2a-8f7d-4c1e-9a3b-1f2e3d4c5b6a' })
  id!: string;

  @ApiProperty({ example: 'Sales' })
  name!: string;

  @ApiProperty({ example: false })
  isDefault!: boolean;
}

export class UserResponseDto {
  @ApiProperty({ format: 'uuid', example: '2819c223-7f76-453a-919d-413861904646' })
  id!: string;

  @ApiProperty({ example: 'bjensen@example.com' })
  userName!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Barbara Jensen' })
  displayName!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Barbara' })
  givenName!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Jensen' })
  familyName!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'bjensen@example.com' })
  email!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '00u1abcd2EFGH3ijk4x7' })
  externalId!: string | null;

  @ApiProperty({ enum: USER_STATUSES, example: 'pending' })
  status!: UserStatus;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the user is in this status, when it needs explaining',
    example:
      "License pool 'Sales' had no seat left when the user was provisioned; the user takes a seat at first sign-in if one is free.",
  })
  statusReason!: string | null;

  @ApiProperty({ enum: ROLES, example: 'user' })
  role!: Role;

  @ApiProperty({ type: UserLicensePoolDto })
  licensePool!: UserLicensePoolDto;

  @ApiProperty({ enum: LICENSE_TIERS, example: 'enterprise' })
  licenseTier!: string;

  @ApiProperty({ example: true })
  scimManaged!: boolean;

  @ApiProperty({ nullable: true, type: String, example: null })
  firstLoginAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  lastLoginAt!: string | null;

  @ApiProperty({ example: '2026-11-23T03:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-23T03:00:00.000Z' })
  updatedAt!: string;

  @ApiPropertyOptional({
    description: 'Said when a pool move may not last',
    example: 'The IdP sends a license pool for this user at sign-in; SSO may move the user back.',
  })
  note?: string;

  static from(user: User): UserResponseDto {
    return {
      id: user.id,
      userName: user.userName,
      displayName: user.displayName,
      givenName: user.givenName,
      familyName: user.familyName,
      email:
        user.emails.find((e) => e.primary === true)?.value?.toString() ??
        user.emails[0]?.value?.toString() ??
        null,
      externalId: user.externalId,
      status: user.status,
      statusReason:
        user.status === 'pending'
          ? `License pool '${user.licensePool.name}' had no seat left when the user was provisioned; the user takes a seat at first sign-in if one is free.`
          : null,
      role: user.role,
      licensePool: user.licensePool,
      licenseTier: user.licenseTier,
      scimManaged: user.scimManaged,
      firstLoginAt: user.firstLoginAt?.toISOString() ?? null,
      lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    };
  }
}

export class UserListResponseDto {
  @ApiProperty({ type: [UserResponseDto] })
  data!: UserResponseDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}
