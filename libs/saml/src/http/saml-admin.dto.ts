import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '@rollcall/common';
import type { SamlAttributeNames } from '../connection/saml-connection.entity';
import {
  type SamlConnection,
  samlConnectionView,
  type ServiceProviderUrls,
} from '../connection/saml-connections.service';
import type { SignInAttempt } from '../log/sign-in-log.service';
import { SIGN_IN_OUTCOMES, type SignInOutcome } from '../log/sign-in-attempt.entity';

const ATTRIBUTE_NAME = /^[^\s<>"]{1,256}$/;

export class SamlAttributeNamesDto implements Partial<SamlAttributeNames> {
  @ApiPropertyOptional({ example: 'email', default: 'email' })
  @IsOptional()
  @IsString()
  @Matches(ATTRIBUTE_NAME)
  email?: string;

  @ApiPropertyOptional({ example: 'firstName', default: 'firstName' })
  @IsOptional()
  @IsString()
  @Matches(ATTRIBUTE_NAME)
  firstName?: string;

  @ApiPropertyOptional({ example: 'lastName', default: 'lastName' })
  @IsOptional()
  @IsString()
  @Matches(ATTRIBUTE_NAME)
  lastName?: string;

  @ApiPropertyOptional({ example: 'displayName', default: 'displayName' })
  @IsOptional()
  @IsString()
  @Matches(ATTRIBUTE_NAME)
  displayName?: string;

  @ApiPropertyOptional({ example: 'externalID', default: 'externalID' })
  @IsOptional()
  @IsString()
  @Matches(ATTRIBUTE_NAME)
  externalId?: string;

  @ApiPropertyOptional({ example: 'groups', default: 'groups' })
  @IsOptional()
  @IsString()
  @Matches(ATTRIBUTE_NAME)
  groups?: string;

  @ApiPropertyOptional({ example: 'licensePoolName', default: 'licensePoolName' })
  @IsOptional()
  @IsString()
  @Matches(ATTRIBUTE_NAME)
  licensePoolName?: string;
}

export class ConfigureSamlDto {
  @ApiPropertyOptional({
    description: 'The IdP’s entity id (Issuer)',
    example: 'http://www.okta.com/exk1fcia6d6EMsf331d8',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  idpEntityId?: string;

  @ApiPropertyOptional({
    description: 'The IdP’s single sign-on URL (HTTP-Redirect binding)',
    example: 'https://acme.okta.com/app/acme_rollcall/exk1fcia6d6EMsf331d8/sso/saml',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  idpSsoUrl?: string;

  @ApiPropertyOptional({
    description:
      'The IdP’s signing certificate(s), PEM (several for a key rollover) or bare base64',
    example:
      '-----BEGIN CERTIFICATE-----\nMIIDpDCCAoygAwIBAgIGAV2ka+55MA0GCSqGSIb3DQEBCwUAMIGSMQswCQYDVQQGEwJVUzET…\n-----END CERTIFICATE-----',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  idpCertificate?: string;

  @ApiPropertyOptional({
    description: 'Instead of the three fields above: the IdP’s metadata XML',
    example:
      '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="…">…</md:EntityDescriptor>',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500_000)
  idpMetadataXml?: string;

  @ApiPropertyOptional({
    type: SamlAttributeNamesDto,
    example: { email: 'mail', licensePoolName: 'rollcallPool' },
    description: 'Assertion attribute names, where the IdP sends others than the defaults',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => SamlAttributeNamesDto)
  attributeNames?: SamlAttributeNamesDto;

  @ApiPropertyOptional({
    description:
      'Create unknown people at their first sign-in (only while SCIM is off). Default true.',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  jitProvisioning?: boolean;
}

export class ServiceProviderDto {
  @ApiProperty({
    description: 'SP entity id (= the metadata URL)',
    example: 'https://rollcall.example.com/sso/saml/acme/metadata',
  })
  entityId!: string;

  @ApiProperty({ example: 'https://rollcall.example.com/sso/saml/acme/metadata' })
  metadataUrl!: string;

  @ApiProperty({
    description: 'Assertion consumer service (HTTP-POST)',
    example: 'https://rollcall.example.com/sso/saml/acme/acs',
  })
  acsUrl!: string;

  @ApiProperty({
    description: 'Where people start an SP-initiated sign-in',
    example: 'https://rollcall.example.com/sso/saml/acme/login',
  })
  loginUrl!: string;
}

export class CertificateSummaryDto {
  @ApiProperty({ example: 'C=US, O=Okta, CN=acme' })
  subject!: string;

  @ApiProperty({ example: '2036-11-23T00:00:00.000Z' })
  validTo!: string;

  @ApiProperty({ example: 'AB:CD:…' })
  fingerprintSha256!: string;
}

export class SamlConnectionResponseDto {
  @ApiProperty({ description: 'Whether SAML sign-in is set up', example: true })
  configured!: boolean;

  @ApiProperty({ type: ServiceProviderDto })
  serviceProvider!: ServiceProviderDto;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'http://www.okta.com/exk1fcia6d6EMsf331d8',
  })
  idpEntityId!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'https://acme.okta.com/app/acme_rollcall/exk1fcia6d6EMsf331d8/sso/saml',
  })
  idpSsoUrl!: string | null;

  @ApiProperty({ type: [CertificateSummaryDto] })
  idpCertificates!: CertificateSummaryDto[];

  @ApiProperty({
    type: SamlAttributeNamesDto,
    nullable: true,
    example: {
      email: 'email',
      firstName: 'firstName',
      lastName: 'lastName',
      displayName: 'displayName',
      externalId: 'externalID',
      groups: 'groups',
      licensePoolName: 'licensePoolName',
    },
  })
  attributeNames!: SamlAttributeNames | null;

  @ApiProperty({ example: true })
  jitProvisioning!: boolean;

  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T03:00:00.000Z' })
  updatedAt!: string | null;

  static from(
    sp: ServiceProviderUrls,
    connection: SamlConnection | null,
  ): SamlConnectionResponseDto {
    return samlConnectionView(sp, connection);
  }
}

export class SignInLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SIGN_IN_OUTCOMES, example: 'refused' })
  @IsOptional()
  @IsIn(SIGN_IN_OUTCOMES)
  outcome?: SignInOutcome;

  @ApiPropertyOptional({ format: 'uuid', example: '2819c223-7f76-453a-919d-413861904646' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class SignInAttemptDto {
  @ApiProperty({ format: 'uuid', example: '0f8fad5b-d9cb-469f-a165-70867728950e' })
  id!: string;

  @ApiProperty({ example: '2026-11-23T03:12:45.120Z' })
  occurredAt!: string;

  @ApiProperty({
    enum: ['sp', 'idp'],
    example: 'sp',
    description: 'SP-initiated (from /login) or IdP-initiated',
  })
  flow!: 'sp' | 'idp';

  @ApiProperty({ enum: SIGN_IN_OUTCOMES, example: 'refused' })
  outcome!: SignInOutcome;

  @ApiProperty({
    example: 'pool_full',
    description:
      'signed_in, pool_full, unknown_pool, account_deactivated, unknown_user, invalid_signature, wrong_audience, wrong_recipient, expired, replayed, …',
  })
  reason!: string;

  @ApiProperty({ example: "License pool 'Sales' is full (20 of 20 seats used)" })
  detail!: string;

  @ApiProperty({ nullable: true, type: String, example: 'bjensen@example.com' })
  subject!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2819c223-7f76-453a-919d-413861904646' })
  userId!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Sales' })
  licensePoolName!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '203.0.113.7' })
  clientIp!: string | null;

  static from(attempt: SignInAttempt): SignInAttemptDto {
    return { ...attempt, occurredAt: attempt.occurredAt.toISOString() };
  }
}

export class SignInAttemptPageDto {
  @ApiProperty({ type: [SignInAttemptDto] })
  data!: SignInAttemptDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}
