import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import {
  IDENTITY_PROVIDERS,
  type IdentityProvider,
  SCIM_AUTH_METHODS,
  type ScimAuthMethod,
} from './scim-integration.entity';
import {
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

  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T04:00:00.000Z' })
  lastUsedAt!: string | null;

  static from(status: ScimIntegrationStatus): ScimIntegrationStatusResponseDto {
    return scimIntegrationView(status);
  }
}
