import { Type } from 'class-transformer';
import {
  Equals,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  EMAIL_MAX_LENGTH,
  EMAIL_OPTIONS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  USER_ROLES,
  UserRoleName,
} from '../users/users.dto';

/** Long enough for any password a user could have set, short enough to bound hashing work. */
const LOGIN_PASSWORD_MAX_LENGTH = 1024;
/** Refresh tokens are 32 random bytes in base64url (43 characters); the bound only rejects junk early. */
const REFRESH_TOKEN_MAX_LENGTH = 512;

/** `POST /auth/login` */
export class LoginDto {
  @IsEmail(EMAIL_OPTIONS, { message: 'email must be an email address' })
  @MaxLength(EMAIL_MAX_LENGTH)
  email!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(LOGIN_PASSWORD_MAX_LENGTH)
  password!: string;
}

/** `POST /auth/refresh` and `POST /auth/logout` */
export class RefreshTokenDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(REFRESH_TOKEN_MAX_LENGTH)
  refreshToken!: string;
}

/** `POST /auth/password`: change one's own password. */
export class ChangePasswordDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LOGIN_PASSWORD_MAX_LENGTH)
  currentPassword!: string;

  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword!: string;
}

export class AuthUserDto {
  @IsUUID()
  id!: string;

  @IsEmail(EMAIL_OPTIONS)
  email!: string;

  @IsIn(USER_ROLES)
  role!: UserRoleName;
}

/** What login and refresh answer: a short-lived access token and a rotating refresh token. */
export class AuthTokensDto {
  /** JWT (HS256) to send as `Authorization: Bearer <accessToken>`. */
  @IsString()
  accessToken!: string;

  /** Opaque, single use: exchange it at `POST /auth/refresh` for a new pair. */
  @IsString()
  refreshToken!: string;

  /** Seconds until the access token expires. */
  @IsInt()
  expiresIn!: number;

  @Equals('Bearer')
  tokenType!: 'Bearer';

  @ValidateNested()
  @Type(() => AuthUserDto)
  user!: AuthUserDto;
}

/** `GET /auth/me` */
export class MeDto extends AuthUserDto {
  @IsDateString()
  createdAt!: string;
}
