import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, IsString, Max, Min, MinLength, validateSync } from 'class-validator';
import { ConfigService } from '@nestjs/config';

const toInteger = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/**
 * Auth tunables. They come from the validated environment (unknown variables pass through
 * it untouched) and are checked here once at boot, so a bad value stops start-up with its name.
 * See docs/auth.md.
 */
export class AuthSettings {
  @IsString({ message: 'JWT_SECRET is required to sign access tokens' })
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  JWT_SECRET!: string;

  /** Login attempts allowed per client IP and email within the window. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  AUTH_LOGIN_RATE_LIMIT = 10;

  /** Login attempts allowed per client IP (all emails together) within the window. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  AUTH_LOGIN_IP_RATE_LIMIT = 100;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(86_400)
  AUTH_LOGIN_RATE_WINDOW_SECONDS = 60;

  /**
   * How long a replica trusts what it last read about a token's user (disabled, revoked
   * before). 0 reads Postgres on every request. Revocations made through this replica
   * apply at once whatever the value; on other replicas within this many milliseconds.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(60_000)
  AUTH_USER_CACHE_MS = 5_000;

  /** Writes (POST, PUT, PATCH, DELETE) one user may make within the window, per replica; 0 turns it off. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  AUTH_WRITE_RATE_LIMIT = 600;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(86_400)
  AUTH_WRITE_RATE_WINDOW_SECONDS = 60;
}

export const REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 60 * 60;

export function loadAuthSettings(config: ConfigService): AuthSettings {
  const raw = Object.fromEntries(
    (
      [
        'JWT_SECRET',
        'AUTH_LOGIN_RATE_LIMIT',
        'AUTH_LOGIN_IP_RATE_LIMIT',
        'AUTH_LOGIN_RATE_WINDOW_SECONDS',
        'AUTH_USER_CACHE_MS',
        'AUTH_WRITE_RATE_LIMIT',
        'AUTH_WRITE_RATE_WINDOW_SECONDS',
      ] as const
    )
      .map((name) => [name, config.get<unknown>(name)])
      .filter(([, value]) => value !== undefined),
  );
  const settings = plainToInstance(AuthSettings, raw, { exposeDefaultValues: true });
  const errors = validateSync(settings);
  if (errors.length > 0) {
    const problems = errors.flatMap((error) =>
      Object.values(error.constraints ?? {}).map((message) =>
        message.startsWith(error.property) ? message : `${error.property}: ${message}`,
      ),
    );
    throw new Error(`Invalid auth configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return settings;
}
