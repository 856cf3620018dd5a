import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/** Flattens class-validator errors to `[{field, message}]` with paths like `sessions[0].metadata`. */
export function fieldErrors(errors: ValidationError[], parent = ''): Array<{ field: string; message: string }> {
  return errors.flatMap((e) => {
    const field = /^\d+$/.test(e.property) ? `${parent}[${e.property}]` : parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}

/**
 * The request validation of DESIGN/STYLE: unknown fields and wrong types answer 400 problem+json whose
 * `errors` name each field. Controllers that take `unknown` (the CM v2 API) are not validated by it.
 */
export const validationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const list = fieldErrors(errors);
      return new BadRequestException({ message: list.map((e) => `${e.field}: ${e.message}`).join('; '), errors: list });
    },
  });
