import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity, UserRole } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('user').where('lower(user.email) = lower(:email)', { email }).getOne();
  }

  async insert(user: { email: string; passwordHash: string; role: UserRole }): Promise<UserEntity> {
    const created = this.users.create(user);
    return this.users.save(created);
  }

  countAdmins(): Promise<number> {
    return this.users.count({ where: { role: 'admin' } });
  }
}
