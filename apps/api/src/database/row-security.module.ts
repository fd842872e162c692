import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RowSecurityInterceptor } from './row-security.interceptor';
import { UserScopedDatabase } from './user-scoped-database';

/** Postgres row-level security for API requests (docs/security.md). */
@Global()
@Module({
  providers: [UserScopedDatabase, { provide: APP_INTERCEPTOR, useClass: RowSecurityInterceptor }],
  exports: [UserScopedDatabase],
})
export class RowSecurityModule {}
