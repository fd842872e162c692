import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { CompiledValidator } from './compiled-validator';

/**
 * `@ValidatedBody(Dto)`: the request body checked by a CompiledValidator instead of the global
 * ValidationPipe (custom parameter decorators bypass it). Same rules, same error format; used where
 * the body is large enough for class-transformer to dominate (the bulk route).
 */
export function ValidatedBody<T extends object>(dto: new () => T): ParameterDecorator {
  const validator = new CompiledValidator(dto);
  return createParamDecorator((_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<{ body: unknown }>().body)(undefined, {
    transform: (body: unknown) => validator.validate(body),
  });
}
