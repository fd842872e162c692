import { DomainError, UnauthorizedError, ValidationFailedError } from '../common/problem';

/** One answer for unknown email, wrong password and disabled account: nothing to learn from it. */
export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('The email or password is incorrect.', 'invalid_credentials');
  }
}

export class MissingTokenError extends UnauthorizedError {
  constructor() {
    super('Send an access token as `Authorization: Bearer <token>`.', 'missing_token');
  }
}

export class InvalidTokenError extends UnauthorizedError {
  constructor(message = 'The access token is not valid.') {
    super(message, 'invalid_token');
  }
}

export class ExpiredTokenError extends UnauthorizedError {
  constructor() {
    super('The access token has expired; refresh it.', 'token_expired');
  }
}

export class RevokedTokenError extends UnauthorizedError {
  constructor() {
    super('The access token was revoked; log in again or refresh it.', 'token_revoked');
  }
}

export class InvalidRefreshTokenError extends UnauthorizedError {
  constructor() {
    super('The refresh token is not valid; log in again.', 'invalid_refresh_token');
  }
}

/** A rotated refresh token came back: someone holds a copy, so its whole family is revoked. */
export class RefreshTokenReusedError extends UnauthorizedError {
  constructor() {
    super(
      'The refresh token was already used; every session it belongs to has been revoked. Log in again.',
      'refresh_token_reused',
    );
  }
}

export class WrongCurrentPasswordError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'currentPassword', message: 'currentPassword is not your current password' }],
      'The current password is incorrect.',
    );
  }
}

export class TooManyRequestsError extends DomainError {
  override readonly headers: Record<string, string>;

  constructor(readonly retryAfterSeconds: number) {
    super(429, 'rate_limited', `Too many attempts; retry in ${retryAfterSeconds} seconds.`);
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
}
