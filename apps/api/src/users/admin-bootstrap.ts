import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PasswordHasher } from './password-hasher';
import { UsersRepository } from './users.repository';

export type AdminBootstrapResult =
  | { created: false; email: string }
  | { created: true; email: string; generatedPassword?: string };

/** Makes sure a fresh installation has an administrator to log in with. */
@Injectable()
export class AdminBootstrap {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async ensureAdmin(email: string, password: string | undefined): Promise<AdminBootstrapResult> {
    if ((await this.users.countAdmins()) > 0) return { created: false, email };
    const generatedPassword = password ? undefined : randomBytes(12).toString('base64url');
    const passwordHash = await this.hasher.hash(password ?? (generatedPassword as string));
    await this.users.insert({ email, passwordHash, role: 'admin' });
    return { created: true, email, generatedPassword };
  }
}
