import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import type { ErrorCode } from '../errors/domain-error';
import { describeError } from '../errors/error-catalog';

export class FieldErrorDto {
  @ApiProperty({ example: 'totalLicenses' })
  field!: string;

  @ApiProperty({ example: 'totalLicenses must not be less than 0' })
  message!: string;
}

/** RFC 9457 problem details, as every admin API error is answered. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:rollcall:error:validation_failed' })
  type!: string;

  @ApiProperty({ example: 'Invalid request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'The request has invalid fields: totalLicenses.' })
  detail!: string;

  @ApiProperty({ description: 'Stable machine-readable error code', example: 'validation_failed' })
  code!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ example: '0f8fad5b-d9cb-469f-a165-70867728950e' })
  requestId?: string;
}

/** Documents the problem+json responses an endpoint can give, one per error code. */
export function ApiProblems(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const { status, title } = describeError(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), `${title} (\`${code}\`)`]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, descriptions]) =>
      ApiResponse({
        status,
        description: descriptions.join('; '),
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } },
        },
      }),
    ),
  );
}
