import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { AdminApiKey } from './admin-api-keys.service';

export class AdminApiKeyCreateDto {
  @ApiProperty({ description: 'What the key is for', example: 'Terraform', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}

export class AdminApiKeyResponseDto {
  @ApiProperty({ format: 'uuid', example: '9b2d6c0e-5d0a-4bfb-9c43-2f7d1a0b8e11' })
  id!: string;

  @ApiProperty({ example: 'Terraform' })
  name!: string;

  @ApiProperty({ description: 'The public start of the key', example: 'rcak_h3K9xLq2Vb7N' })
  prefix!: string;

  @ApiProperty({ example: '2026-11-23T03:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T04:12:00.000Z' })
  lastUsedAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  revokedAt!: string | null;

  static from(key: AdminApiKey): AdminApiKeyResponseDto {
    return {
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
    };
  }
}

export class AdminApiKeyCreatedResponseDto extends AdminApiKeyResponseDto {
  @ApiProperty({
    description: 'The whole key. It is shown only in this response; store it now.',
    example: 'rcak_h3K9xLq2Vb7N_6Qw0mXe1yU4rT8pZ2sA9dF3gH5jK7lC0vB1nM2qW4eR6tY',
  })
  key!: string;
}

export class AdminApiKeyListResponseDto {
  @ApiProperty({ type: [AdminApiKeyResponseDto] })
  data!: AdminApiKeyResponseDto[];
}
