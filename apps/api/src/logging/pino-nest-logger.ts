import type { LoggerService } from '@nestjs/common';
import type { Level } from 'pino';
import { currentRequestId } from './request-context';
import { RootLogger, scrubSecretsInText } from './root-logger';

type Fields = Record<string, unknown>;

/**
 * Nest's LoggerService on pino, so `new Logger('Ctx').warn(...)` anywhere becomes one JSON
 * line with `context` (and `requestId` inside a request). The first argument may be a
 * string, an Error, or an object whose fields are merged into the line (`msg` is its text).
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: RootLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  /** Nest passes `(message, stack?, context?)`; a Logger with a context sends `undefined` for a missing stack. */
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, true);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[], stackMayFollow = false): void {
    if (!this.root.isLevelEnabled(level)) return;
    const rest = [...params];
    // Nest appends a Logger's context as the last argument, the way ConsoleLogger reads it.
    let context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    // Nest itself calls the static `Logger.error(message, stack)` without a context.
    if (stackMayFollow && context !== undefined && rest.length === 0 && looksLikeStack(context)) {
      rest.push(context);
      context = undefined;
    }
    const fields: Fields = {};
    const requestId = currentRequestId();
    if (requestId) fields.requestId = requestId;

    let msg: string | undefined;
    if (message instanceof Error) {
      fields.err = message;
      msg = message.message;
    } else if (isPlainObject(message)) {
      const { msg: text, message: altText, ...merged } = message;
      Object.assign(fields, scrubStrings(merged));
      msg = typeof text === 'string' ? text : typeof altText === 'string' ? altText : undefined;
    } else if (message !== undefined) {
      msg = typeof message === 'string' ? message : String(message);
    }

    if (stackMayFollow && (typeof rest[0] === 'string' || rest[0] === undefined) && rest.length > 0) {
      const stack = rest.shift();
      if (typeof stack === 'string') fields.stack = scrubSecretsInText(stack);
    }
    for (const extra of rest) {
      if (isPlainObject(extra)) Object.assign(fields, scrubStrings(extra));
      else if (extra instanceof Error) fields.err = extra;
      else if (extra !== undefined) ((fields.extra ??= []) as unknown[]).push(extra);
    }
    if (context) fields.context = context;

    if (msg === undefined) this.root[level](fields);
    else this.root[level](fields, msg);
  }
}

/** Free text at the top level of a merged object may quote a connection string or a header. */
function scrubStrings(fields: Fields): Fields {
  const scrubbed: Fields = {};
  for (const [key, value] of Object.entries(fields))
    scrubbed[key] = typeof value === 'string' ? scrubSecretsInText(value) : value;
  return scrubbed;
}

function looksLikeStack(text: string): boolean {
  return /\n\s+at /.test(text);
}

function isPlainObject(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
