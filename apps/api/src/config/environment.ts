import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['true', '1', 'yes'].includes(String(value).toLowerCase());
const toInteger = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every setting ZER08 reads from the environment. Validated once at boot; a bad or
 * missing value stops start-up with the variable's name (see docs/configuration.md).
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  /** Required whenever DATABASE_URL is set: every replica must sign with the same secret. */
  @Transform(emptyToUndefined)
  @ValidateIf((env: Environment) => env.DATABASE_URL !== undefined || env.JWT_SECRET !== undefined)
  @IsString({ message: 'JWT_SECRET is required when DATABASE_URL is set (at least 32 characters, shared by all replicas)' })
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  JWT_SECRET?: string;

  /**
   * Encrypts job signing secrets at rest (AES-256-GCM, key via HKDF-SHA256). Unset: derived
   * from JWT_SECRET, so rotating JWT_SECRET then also rotates this key (docs/scheduler.md).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'SECRETS_ENCRYPTION_KEY must be at least 32 characters long' })
  SECRETS_ENCRYPTION_KEY?: string;

  /** Comma-separated keys (or former JWT_SECRETs) that still decrypt signing secrets after a rotation. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @Matches(/^\s*[^,\s][^,]{30,}[^,\s]\s*(,\s*[^,\s][^,]{30,}[^,\s]\s*)*,?\s*$/, {
    message: 'SECRETS_ENCRYPTION_PREVIOUS_KEYS must be a comma-separated list of keys of at least 32 characters each',
  })
  SECRETS_ENCRYPTION_PREVIOUS_KEYS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEmail({ require_tld: false }, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL = 'admin@zer08.local';

  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(8, { message: 'ADMIN_PASSWORD must be at least 8 characters long' })
  ADMIN_PASSWORD?: string;

  /** Unset means: allowed in embedded (laptop) mode, refused with a shared database. */
  @Transform(toBoolean)
  @IsOptional()
  @IsBoolean()
  CALLBACK_ALLOW_PRIVATE_NETWORKS?: boolean;

  /** Where embedded mode keeps its Postgres cluster and generated secrets. */
  @IsString()
  ZER08_DATA_DIR = '.data';

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_POSTGRES_PORT = 54329;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /**
   * Express' `trust proxy`: unset trusts no proxy (X-Forwarded-For is ignored, so it cannot
   * be spoofed); a number of hops, `true`, or addresses/subnets such as `loopback,10.0.0.0/8`.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(true|false|\d{1,2}|[\w.:/-]+(\s*,\s*[\w.:/-]+)*)$/, {
    message: 'TRUST_PROXY must be true, false, a hop count, or comma-separated addresses/subnets',
  })
  TRUST_PROXY?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' = 'info';

  /** Where the built admin SPA lives; served at `/` when present. */
  @IsString()
  ADMIN_DIST_DIR = 'dist/apps/admin';

  /** Scheduler (docs/scheduler.md): false = this replica neither leads nor runs executions. */
  @Transform(toBoolean)
  @IsBoolean()
  SCHEDULER_ENABLED = true;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(10_000)
  WORKER_CONCURRENCY = 200;

  @Transform(toInteger)
  @IsInt()
  @Min(50)
  @Max(60_000)
  LEADER_POLL_MS = 500;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(36_500)
  HISTORY_RETENTION_DAYS = 30;

  /** How long a shutting-down replica lets in-flight calls finish before releasing them. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SCHEDULER_SHUTDOWN_GRACE_MS = 10_000;

  /** Defaults to hostname-pid-random; must be unique per running replica. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  REPLICA_ID?: string;
}

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'EnvironmentError';
  }
}

export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, skipMissingProperties: false });
  if (errors.length > 0) {
    throw new EnvironmentError(
      errors.flatMap((error) =>
        Object.values(error.constraints ?? {}).map((message) =>
          message.startsWith(error.property) ? message : `${error.property}: ${message}`,
        ),
      ),
    );
  }
  return env;
}
