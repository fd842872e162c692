import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailedError } from './problem';

/**
 * A route parameter that must be a UUID. A malformed value answers 400 naming the
 * parameter (`errors: [{field: 'id', ...}]`) instead of reaching the database.
 */
export function uuidPipe(name = 'id'): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => new ValidationFailedError([{ field: name, message: `${name} must be a UUID` }]),
  });
}

/** `@UuidParam() id: string` (or `@UuidParam('jobId')`): `@Param(name)` validated as a UUID. */
export const UuidParam = (name = 'id'): ParameterDecorator => Param(name, uuidPipe(name));
