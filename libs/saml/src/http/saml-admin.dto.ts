import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
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
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNotNull, TimeRangeQueryDto } from '@rollcall/common';
import { SP_KEY_USES, type SpKeyUse } from '../keys/saml-sp-key.entity';
import type { SamlAttributeNames } from '../connection/saml-connection.entity';
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
    description:
      'Instead of the fields above: the URL of the IdP’s metadata. Rollcall fetches it now and again every ROLLCALL_SAML_METADATA_REFRESH_HOURS (default 6), taking in new signing certificates. Public addresses only unless ROLLCALL_WEBHOOKS_ALLOW_PRIVATE_URLS is set.',
    example: 'https://acme.okta.com/app/exk1fcia6d6EMsf331d8/sso/saml/metadata',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  idpMetadataUrl?: string;

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

  @ApiPropertyOptional({
    description:
      'Refuse a response or assertion whose IssueInstant is older than this many seconds (plus 60 s of clock skew). Default 300; kept when left out.',
    example: 300,
    minimum: 10,
    maximum: 86_400,
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(10)
  @Max(86_400)
  maxAssertionAgeSeconds?: number;

  @ApiPropertyOptional({
    description:
      'Refuse an assertion whose AuthnInstant (when the person authenticated at the IdP, which an IdP session can make hours old) is older than this many seconds. null (the default): not checked.',
    example: 43_200,
    nullable: true,
    type: Number,
    minimum: 60,
    maximum: 31_536_000,
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(60)
  @Max(31_536_000)
  maxAuthenticationAgeSeconds?: number | null;

  @ApiPropertyOptional({
    description:
      'Sign AuthnRequests (HTTP-Redirect binding: SigAlg and Signature) with the SP signing key; the SP metadata then says AuthnRequestsSigned="true". Default false; kept when left out.',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  signAuthnRequests?: boolean;

  @ApiPropertyOptional({
    description:
      'Refuse assertions that are not encrypted (EncryptedAssertion) to the SP encryption certificate. Encrypted ones are decrypted either way. Default false; kept when left out.',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  requireEncryptedAssertions?: boolean;
}

export class SpKeyRolloverDto {
  @ApiPropertyOptional({
    enum: SP_KEY_USES,
    example: 'signing',
    description: 'The key to roll over; both when left out.',
  })
  @IsOptional()
  @IsIn(SP_KEY_USES)
  use?: SpKeyUse;
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

  @ApiProperty({
    type: () => [SpCertificateDto],
    description:
      'Rollcall’s signing and encryption certificates for this organization (never the private keys), current first; a `previous` one during a rollover. Made when SAML is first configured.',
  })
  certificates!: SpCertificateDto[];
}

export class SpCertificateDto {
  @ApiProperty({ enum: SP_KEY_USES, example: 'signing' })
  use!: SpKeyUse;

  @ApiProperty({
    enum: ['current', 'previous'],
    example: 'current',
    description:
      '`current`: the newest key of its use, what IdPs should encrypt to (encryption), and what signs AuthnRequests (signing) once no rollover is in progress; `previous`: the older key during a rollover, still published and decrypting, and still signing until the rollover is finished (so an IdP that checks signatures can import the new certificate first).',
  })
  status!: 'current' | 'previous';

  @ApiProperty({
    example: '-----BEGIN CERTIFICATE-----\nMIIC…\n-----END CERTIFICATE-----',
  })
  certificate!: string;

  @ApiProperty({ example: '3F:A2:…' })
  fingerprintSha256!: string;

  @ApiProperty({ example: '2036-12-07T12:00:00.000Z' })
  validTo!: string;

  @ApiProperty({ example: '2026-12-07T12:00:00.000Z' })
  createdAt!: string;
}

export class IdpMetadataStatusDto {
  @ApiProperty({ example: 'https://acme.okta.com/app/exk1fcia6d6EMsf331d8/sso/saml/metadata' })
  url!: string;

  @ApiProperty({
    enum: ['ok', 'failing'],
    example: 'ok',
    description:
      '`failing`: the last scheduled fetch failed (`lastError` says why); the certificates from the last success stay in use.',
  })
  status!: 'ok' | 'failing';

  @ApiProperty({ nullable: true, type: String, example: '2026-12-07T12:00:00.000Z' })
  lastCheckedAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2026-12-07T12:00:00.000Z' })
  lastRefreshedAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  lastError!: string | null;
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
    type: IdpMetadataStatusDto,
    nullable: true,
    description: 'Set when the connection was configured from `idpMetadataUrl`.',
    example: {
      url: 'https://acme.okta.com/app/exk1fcia6d6EMsf331d8/sso/saml/metadata',
      status: 'ok',
      lastCheckedAt: '2026-12-07T12:00:00.000Z',
      lastRefreshedAt: '2026-12-07T12:00:00.000Z',
      lastError: null,
    },
  })
  idpMetadata!: IdpMetadataStatusDto | null;

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

  @ApiProperty({ example: 300 })
  maxAssertionAgeSeconds!: number;

  @ApiProperty({ nullable: true, type: Number, example: null })
  maxAuthenticationAgeSeconds!: number | null;

  @ApiProperty({ example: false })
  signAuthnRequests!: boolean;

  @ApiProperty({ example: false })
  requireEncryptedAssertions!: boolean;

  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T03:00:00.000Z' })
  updatedAt!: string | null;
}

export class SignInLogQueryDto extends TimeRangeQueryDto {
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
      'signed_in, pool_full, unknown_pool, account_deactivated, unknown_user, invalid_signature, wrong_audience, wrong_recipient, expired, too_old, authentication_too_old, not_encrypted, decryption_failed, replayed, …',
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
