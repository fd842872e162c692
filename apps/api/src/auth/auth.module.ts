import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { AuthSettings, loadAuthSettings } from './auth-settings';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { LoginThrottlerGuard, loginThrottlers } from './login-throttler.guard';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RolesGuard } from './roles.guard';
import { SessionsService } from './sessions.service';
import { TokenUserCache } from './token-user.cache';
import { WriteThrottleInterceptor } from './write-throttle.interceptor';

/**
 * Login, tokens and the two global guards (authentication, then roles). Depends on the
 * users data module; the users admin routes depend on this one (SessionsService), never back.
 */
@Module({
  imports: [
    UsersModule,
    TypeOrmModule.forFeature([RefreshTokenEntity]),
    PassportModule,
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        secret: loadAuthSettings(config).JWT_SECRET,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({ throttlers: loginThrottlers(loadAuthSettings(config)) }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    { provide: AuthSettings, inject: [ConfigService], useFactory: loadAuthSettings },
    AuthService,
    SessionsService,
    RefreshTokensRepository,
    TokenUserCache,
    JwtStrategy,
    LoginThrottlerGuard,
    // Order matters: authentication first, then roles.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_INTERCEPTOR, useClass: WriteThrottleInterceptor },
  ],
  exports: [SessionsService],
})
export class AuthModule {}
