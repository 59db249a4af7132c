import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { PORTAL_ROLES } from './admin-session.entity';
import type { PortalSessionView } from './portal-sessions.service';

const EXAMPLE_SETUP_TOKEN =
  'rcsl_6b1f0c2e-4d3a-4e5f-9a8b-7c6d5e4f3a2b_Qm9vdHN0cmFwIHRoZSBwb3J0YWwgd2l0aCB0aGlzIGxpbms';

export class PortalSessionCreateDto {
  @ApiProperty({
    description:
      'The token of a setup link (what follows `#token=` in `/admin/setup#token=…`): one-time, valid 24 hours',
    example: EXAMPLE_SETUP_TOKEN,
    maxLength: 200,
  })
  @IsString()
  @MaxLength(200)
  setupToken!: string;
}

export class PortalOrganizationDto {
  @ApiProperty({ format: 'uuid', example: '3fc49b2e-0d54-4d67-bd09-9da91f14bbe1' })
  id!: string;

  @ApiProperty({ example: 'Acme Corporation' })
  name!: string;

  @ApiProperty({ example: 'acme' })
  slug!: string;
}

export class PortalUserDto {
  @ApiProperty({ format: 'uuid', example: '2819c223-7f76-453a-919d-413861904646' })
  id!: string;

  @ApiProperty({ example: 'jane.doe@acme.example' })
  userName!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Jane Doe' })
  displayName!: string | null;
}

export class PortalSessionResponseDto {
  @ApiProperty({ type: PortalOrganizationDto })
  organization!: PortalOrganizationDto;

  @ApiProperty({ enum: PORTAL_ROLES, example: 'admin' })
  role!: string;

  @ApiProperty({
    type: PortalUserDto,
    nullable: true,
    description: 'The admin who signed in through SSO; null for a session opened with a setup link',
    example: null,
  })
  user!: PortalUserDto | null;

  @ApiProperty({
    description: 'Send it as `X-CSRF-Token` with every POST, PUT, PATCH and DELETE',
    example: 'uYqv0n0R3mQy7H5tq9sC3kU4rJ1yq2Vh8bH2gkq9cVw',
  })
  csrfToken!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'When the session ends unless it is used before',
    example: '2026-12-07T13:45:00.000Z',
  })
  idleExpiresAt!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'When the session ends however it is used',
    example: '2026-12-08T01:15:00.000Z',
  })
  expiresAt!: string;

  static from(view: PortalSessionView): PortalSessionResponseDto {
    return {
      ...view,
      idleExpiresAt: view.idleExpiresAt.toISOString(),
      expiresAt: view.expiresAt.toISOString(),
    };
  }
}

export class SetupLinkResponseDto {
  @ApiProperty({
    description:
      'Open it in a browser to enter the admin portal as an admin, once. The token is in the fragment, so it never reaches a server log.',
    example: `https://rollcall.example.com/admin/setup#token=${EXAMPLE_SETUP_TOKEN}`,
  })
  url!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-08T13:15:00.000Z' })
  expiresAt!: string;
}
