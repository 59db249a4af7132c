import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, Max, Min } from 'class-validator';
import { IsOptionalNotNull, MaxDecimalPlaces } from '@rollcall/common';
import {
  IDENTITY_PROVIDERS,
  type IdentityProvider,
  SCIM_AUTH_METHODS,
  type ScimAuthMethod,
} from './scim-integration.entity';
import {
  DEFAULT_GRACE_PERIOD_HOURS,
  MAX_GRACE_PERIOD_HOURS,
  type ScimCredentials,
  type ScimIntegrationStatus,
  scimIntegrationView,
} from './scim-integration.service';

export class ScimIntegrationEnableDto {
  @ApiProperty({ enum: IDENTITY_PROVIDERS, example: 'okta', description: 'The identity provider' })
  @IsIn(IDENTITY_PROVIDERS)
  idp!: IdentityProvider;

  @ApiProperty({
    enum: SCIM_AUTH_METHODS,
    example: 'bearer',
    description: 'How the identity provider authenticates: a bearer token, or HTTP Basic',
  })
  @IsIn(SCIM_AUTH_METHODS)
  authMethod!: ScimAuthMethod;
}

export class ScimIntegrationRotateDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_GRACE_PERIOD_HOURS,
    default: DEFAULT_GRACE_PERIOD_HOURS,
    example: 24,
    description: `How many hours the replaced credentials keep working, so the IdP can be switched to the new ones without a gap: 0 to ${MAX_GRACE_PERIOD_HOURS} (30 days), fractions allowed (0.5 is 30 minutes); 0 stops them at once. Default ${DEFAULT_GRACE_PERIOD_HOURS}. Credentials still in the grace period of an earlier rotation stop at once (at most two credentials work at a time).`,
  })
  @IsOptionalNotNull()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(3)
  @Min(0)
  @Max(MAX_GRACE_PERIOD_HOURS)
  gracePeriodHours?: number;
}

export class ScimCredentialsResponseDto {
  @ApiProperty({ enum: SCIM_AUTH_METHODS, example: 'bearer' })
  authMethod!: ScimAuthMethod;

  @ApiProperty({
    description: 'The SCIM base URL to enter in the IdP',
    example: 'https://rollcall.example.com/scim/v2',
  })
  baseUrl!: string;

  @ApiPropertyOptional({
    description: 'Bearer token (authMethod bearer). Shown only in this response.',
    example: 'rcscim_Q2x9Lm4Pz7Wb_8dF3gH5jK7lC0vB1nM2qW4eR6tY9uI0oP3aS5dF7gH',
  })
  token?: string;

  @ApiPropertyOptional({
    description: 'HTTP Basic username (authMethod basic)',
    example: 'scim-Q2x9Lm4Pz7Wb',
  })
  username?: string;

  @ApiPropertyOptional({
    description: 'HTTP Basic password (authMethod basic). Shown only in this response.',
    example: '8dF3gH5jK7lC0vB1nM2qW4eR6tY9uI0oP3aS5dF7gH',
  })
  password?: string;

  @ApiProperty({
    example: '2028-11-23T03:00:00.000Z',
    description: 'The credentials stop working then',
  })
  expiresAt!: string;

  static from(credentials: ScimCredentials): ScimCredentialsResponseDto {
    return { ...credentials, expiresAt: credentials.expiresAt.toISOString() };
  }
}

export class ScimCredentialStatusDto {
  @ApiProperty({
    enum: ['current', 'previous'],
    example: 'previous',
    description:
      'current: the credentials issued last; previous: the ones the last rotation replaced, working until graceEndsAt',
  })
  role!: 'current' | 'previous';

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'rcscim_Q2x9Lm4Pz7Wb',
    description:
      'Bearer tokens: the start of the token (not the secret), to tell which one an IdP holds',
  })
  tokenPrefix!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'HTTP Basic: the username',
  })
  username!: string | null;

  @ApiProperty({ example: '2026-11-23T03:00:00.000Z', description: 'When they were issued' })
  createdAt!: string;

  @ApiProperty({ example: '2028-11-22T03:00:00.000Z', description: 'The end of their lifetime' })
  expiresAt!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-12-08T09:30:00.000Z',
    description:
      'Previous credentials: they stop working then (or at expiresAt, if earlier). Null for the current ones.',
  })
  graceEndsAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2026-12-07T09:41:00.000Z' })
  lastUsedAt!: string | null;

  @ApiProperty({ example: false, description: 'They expire within 30 days' })
  expiringSoon!: boolean;

  @ApiProperty({ example: false })
  expired!: boolean;
}

export class ScimIntegrationStatusResponseDto {
  @ApiProperty({ example: true })
  enabled!: boolean;

  @ApiProperty({ enum: IDENTITY_PROVIDERS, nullable: true, example: 'okta' })
  idp!: IdentityProvider | null;

  @ApiProperty({ enum: SCIM_AUTH_METHODS, nullable: true, example: 'bearer' })
  authMethod!: ScimAuthMethod | null;

  @ApiProperty({ example: 'https://rollcall.example.com/scim/v2' })
  baseUrl!: string;

  @ApiProperty({ nullable: true, type: String, example: null, description: 'HTTP Basic username' })
  username!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T03:00:00.000Z' })
  createdAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  rotatedAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2028-11-22T03:00:00.000Z' })
  expiresAt!: string | null;

  @ApiProperty({ example: false, description: 'The credentials expire within 30 days' })
  expiringSoon!: boolean;

  @ApiProperty({ example: false })
  expired!: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-11-23T04:00:00.000Z',
    description: 'The last use of the current credentials (each credential has its own)',
  })
  lastUsedAt!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-12-08T09:30:00.000Z',
    description:
      'When the previous credentials stop working; null when no previous credentials are in a grace period',
  })
  graceEndsAt!: string | null;

  @ApiProperty({
    type: [ScimCredentialStatusDto],
    description:
      'The credentials that work: the current ones, then the previous ones while their grace period lasts (at most two)',
  })
  credentials!: ScimCredentialStatusDto[];

  static from(status: ScimIntegrationStatus): ScimIntegrationStatusResponseDto {
    return scimIntegrationView(status);
  }
}
