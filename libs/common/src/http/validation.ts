import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidateBy, ValidateIf } from 'class-validator';
import { DomainError, type FieldError } from '../errors/domain-error';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix
      ? /^\d+$/.test(error.property)
        ? `${prefix}[${error.property}]`
        : `${prefix}.${error.property}`
      : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      message: rule === 'whitelistValidation' ? `${field} is not a known field` : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * How many bad fields an answer names at most: a body with 60,000 unknown keys would otherwise be
 * answered with megabytes of errors.
 */
export const MAX_FIELD_ERRORS = 50;

/** Rejects unknown fields and names each bad one; registered globally as APP_PIPE. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      const fields = [...new Set(fieldErrors.map((e) => e.field))];
      const more =
        fields.length > MAX_FIELD_ERRORS ? ` (and ${fields.length - MAX_FIELD_ERRORS} more)` : '';
      return new DomainError(
        'validation_failed',
        `The request has invalid fields: ${fields.slice(0, MAX_FIELD_ERRORS).join(', ')}${more}.`,
        fieldErrors.slice(0, MAX_FIELD_ERRORS),
      );
    },
  });
}

/**
 * For optional fields of request bodies whose column cannot be null: the field may be left out, but
 * `null` is a value like any other and must pass the field's rules. (class-validator's @IsOptional
 * lets null through unvalidated, and it then reaches a NOT NULL column as a 500.)
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/**
 * A number with at most `places` decimals. class-validator's own `maxDecimalPlaces` counts the
 * digits after a '.' in `String(value)` and throws on exponent forms (`5e-324`), which reached the
 * caller as a 500; this reads the number instead.
 */
export function MaxDecimalPlaces(places: number): PropertyDecorator {
  const scale = 10 ** places;
  return ValidateBy({
    name: 'maxDecimalPlaces',
    validator: {
      validate: (value: unknown) =>
        typeof value !== 'number' || Number.isInteger(Number((value * scale).toPrecision(15))),
      defaultMessage: (args) => `${args?.property} must have at most ${places} decimal places`,
    },
  });
}
