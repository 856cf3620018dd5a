import { ParseUUIDPipe } from '@nestjs/common';
import { InvalidParameterError } from '@cm/contracts';

/** A path parameter that must be a UUID: 400 naming it otherwise (never a database error). */
export const uuidParam = (name: string): ParseUUIDPipe =>
  new ParseUUIDPipe({ exceptionFactory: () => new InvalidParameterError(name, `${name} must be a UUID`) });
