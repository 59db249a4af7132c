import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { USER_STATUSES, type UserStatus } from '@rollcall/identity';

const MAX_USER_IDS = 1000;

export class GroupCreateDto {
  @ApiProperty({
    description: 'The group’s name, unique in the organization in any case',
    example: 'Onboarding cohort',
    maxLength: 256,
  })
  @IsString()
  @Matches(/\S/, { message: 'displayName must not be blank' })
  @MaxLength(256)
  displayName!: string;
}

export class GroupRenameDto extends GroupCreateDto {}

export class GroupMembersAddDto {
  @ApiProperty({
    description: `Ids of users of the organization to add (1-${MAX_USER_IDS}); members already in the group are kept`,
    example: ['2819c223-7f76-453a-919d-413861904646'],
    type: [String],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_USER_IDS)
  @IsUUID('all', { each: true })
  userIds!: string[];
}

export class GroupResponseDto {
  @ApiProperty({ format: 'uuid', example: 'e9e30dba-f08f-4109-8486-d5c6a331660a' })
  id!: string;

  @ApiProperty({ example: 'Sales Reps' })
  displayName!: string;

  @ApiProperty({
    description: 'The identity provider’s id for the group (SCIM)',
    nullable: true,
    type: String,
    example: '00g1emaKYZTWRYYRRTSK',
  })
  externalId!: string | null;

  @ApiProperty({ description: 'Provisioned by the identity provider over SCIM', example: true })
  scimManaged!: boolean;

  @ApiProperty({
    description:
      'True while SCIM manages the group: it can then only be changed in the identity provider',
    example: true,
  })
  readOnly!: boolean;

  @ApiProperty({ example: 42 })
  memberCount!: number;

  @ApiProperty({ example: '2026-11-23T03:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-23T03:05:00.000Z' })
  updatedAt!: string;
}

export class GroupListResponseDto {
  @ApiProperty({ type: [GroupResponseDto] })
  data!: GroupResponseDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}

export class GroupMemberResponseDto {
  @ApiProperty({ format: 'uuid', example: '2819c223-7f76-453a-919d-413861904646' })
  userId!: string;

  @ApiProperty({ example: 'bjensen@example.com' })
  userName!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Barbara Jensen' })
  displayName!: string | null;

  @ApiProperty({ enum: USER_STATUSES, example: 'active' })
  status!: UserStatus;

  @ApiProperty({
    description: 'When the user joined the group',
    example: '2026-11-23T03:05:00.000Z',
  })
  addedAt!: string;
}

export class GroupMemberPageDto {
  @ApiProperty({ type: [GroupMemberResponseDto] })
  data!: GroupMemberResponseDto[];

  @ApiProperty({
    description: 'Pass as `cursor` for the next page of members; null on the last page',
    nullable: true,
    type: String,
    example: null,
  })
  nextCursor!: string | null;
}

export class GroupDetailResponseDto extends GroupResponseDto {
  /** One page of members, in the order they joined. */
  @ApiProperty({ type: GroupMemberPageDto })
  members!: GroupMemberPageDto;
}
