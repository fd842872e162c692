import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminBootstrap } from './admin-bootstrap';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [UsersRepository, PasswordHasher, AdminBootstrap],
  exports: [UsersRepository, PasswordHasher, AdminBootstrap],
})
export class UsersModule {}
