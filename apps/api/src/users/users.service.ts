import { Injectable } from '@nestjs/common';
import {
  CreateUserDto,
  DEFAULT_PAGE_SIZE,
  ListUsersQueryDto,
  UpdateUserDto,
  UserDto,
  UserPageDto,
} from '@zer08/contracts';
import { NotFoundError } from '../common/problem';
import { SessionsService } from '../auth/sessions.service';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { EmailTakenError, LastAdminError } from './users.errors';
import { GuardedOutcome, UsersRepository } from './users.repository';

export function toUserDto(user: UserEntity): UserDto {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

function unwrap<T>(outcome: GuardedOutcome<T>): T {
  if (outcome.kind === 'not_found') throw new NotFoundError('User');
  if (outcome.kind === 'last_admin') throw new LastAdminError();
  return outcome.value;
}

/** Account administration (admin only). */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
  ) {}

  async create(input: CreateUserDto): Promise<UserDto> {
    if (await this.users.findByEmail(input.email)) throw new EmailTakenError();
    const passwordHash = await this.hasher.hash(input.password);
    const created = await this.users.insertUnlessEmailTaken({ email: input.email, passwordHash, role: input.role });
    if (!created) throw new EmailTakenError();
    return toUserDto(created);
  }

  async list(query: ListUsersQueryDto): Promise<UserPageDto> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const { items, total } = await this.users.list({
      search: query.q || undefined,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    return { items: items.map(toUserDto), total, page, pageSize };
  }

  async get(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('User');
    return toUserDto(user);
  }

  /** Disabling ends every session of the user; a role change applies to their next request. */
  async update(id: string, changes: UpdateUserDto): Promise<UserDto> {
    const updated = unwrap(await this.users.update(id, changes));
    if (changes.disabled === true) await this.sessions.revokeAll(id);
    else this.sessions.forget(id);
    return toUserDto(updated);
  }

  /** Their jobs, executions and tokens are deleted with them (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    unwrap(await this.users.delete(id));
    this.sessions.forget(id);
  }
}
