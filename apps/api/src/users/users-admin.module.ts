import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { UsersController } from './users.controller';
import { UsersModule } from './users.module';
import { UsersService } from './users.service';

/**
 * The admin routes over users. Kept apart from UsersModule (the data layer auth builds
 * on) so dependencies run one way: UsersAdminModule -> AuthModule -> UsersModule.
 */
@Module({
  imports: [UsersModule, AuthModule],
  controllers: [UsersController],
  providers: [UsersService],
})
export class UsersAdminModule {}
