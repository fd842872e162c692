import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import { Environment } from '../config/environment';

export type RootLogger = Logger;

/** Keys whose values never reach a log line, at any of the first four levels of a logged object. */
export const REDACTED_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
  'password',
  'newPassword',
  'currentPassword',
  'ADMIN_PASSWORD',
  'refreshToken',
  'accessToken',
  'token',
  'signingSecret',
  'signing_secret',
  'secret',
  'JWT_SECRET',
  'DATABASE_URL',
  'databaseUrl',
] as const;

const REDACTED = '[Redacted]';

/** pino's redact paths cannot say "at any depth", so each key is listed at depths 0 to 3. */
export function redactPaths(keys: readonly string[] = REDACTED_KEYS): string[] {
  return keys.flatMap((key) => {
    const step = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
    return ['', '*', '*.*', '*.*.*'].map((prefix) => (prefix === '' ? step.replace(/^\./, '') : `${prefix}${step}`));
  });
}

/**
 * Secrets that arrive inside free text (an error message quoting a connection string or a
 * header) rather than under a key that redaction knows.
 */
export function scrubSecretsInText(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi, `$1${REDACTED}@`)
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/gi, `$1 ${REDACTED}`);
}

export interface RootLoggerOptions {
  level: Environment['LOG_LEVEL'];
  replicaId?: string;
  /** Where lines go; stdout unless a test captures them. */
  destination?: DestinationStream;
}

function serializeError(error: Error): pino.SerializedError {
  const serialized = pino.stdSerializers.err(error);
  serialized.message = scrubSecretsInText(serialized.message);
  if (serialized.stack) serialized.stack = scrubSecretsInText(serialized.stack);
  return serialized;
}

let stdout: DestinationStream | undefined;

/** The process's one pino logger: JSON lines with ISO times, service name and replica id. */
export function createRootLogger({ level, replicaId, destination }: RootLoggerOptions): RootLogger {
  const options: LoggerOptions = {
    level,
    base: { service: 'zer08', ...(replicaId ? { replicaId } : {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths(), censor: REDACTED },
    serializers: { err: serializeError },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg: unknown) => (typeof arg === 'string' ? scrubSecretsInText(arg) : arg));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  // Synchronous, so the line explaining a crash is written before the process exits.
  return pino(options, destination ?? (stdout ??= pino.destination({ fd: 1, sync: true })));
}
