import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../common/pagination';

export const USER_ROLES = ['admin', 'user'] as const;
export type UserRoleName = (typeof USER_ROLES)[number];

export const PASSWORD_MIN_LENGTH = 8;
/** argon2 hashes whatever it is given; a bound keeps a huge password from costing CPU. */
export const PASSWORD_MAX_LENGTH = 256;
export const EMAIL_MAX_LENGTH = 254;

/** Addresses on private domains (`admin@zer08.local`) are fine: no TLD required. */
export const EMAIL_OPTIONS = { require_tld: false } as const;

/** `POST /users` (admin). */
export class CreateUserDto {
  @IsEmail(EMAIL_OPTIONS, { message: 'email must be an email address' })
  @MaxLength(EMAIL_MAX_LENGTH)
  email!: string;

  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;

  @IsIn(USER_ROLES)
  role!: UserRoleName;
}

/** `PATCH /users/:id` (admin): only what an administrator may change about another account. */
export class UpdateUserDto {
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRoleName;

  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

/** `GET /users?page=&pageSize=&q=`: `q` matches part of the email, case-insensitively. */
export class ListUsersQueryDto extends PageQueryDto {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(EMAIL_MAX_LENGTH)
  q?: string;
}

/** A user as the API shows it. Never carries a password hash. */
export class UserDto {
  @IsUUID()
  id!: string;

  @IsEmail(EMAIL_OPTIONS)
  email!: string;

  @IsIn(USER_ROLES)
  role!: UserRoleName;

  @IsBoolean()
  disabled!: boolean;

  @IsDateString()
  createdAt!: string;

  @IsDateString()
  updatedAt!: string;
}

export class UserPageDto {
  @ValidateNested({ each: true })
  @Type(() => UserDto)
  items!: UserDto[];

  @IsInt()
  total!: number;

  @IsInt()
  page!: number;

  @IsInt()
  pageSize!: number;
}
