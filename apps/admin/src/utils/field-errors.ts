import { ApiError } from '../http/problem';

/** `errors[]` of a 400 problem as `{ 'schedule.expression': message }`, first message per field. */
export function fieldErrorMap(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const map: Record<string, string> = {};
  for (const { field, message } of error.fieldErrors) map[field] ??= message;
  return map;
}
