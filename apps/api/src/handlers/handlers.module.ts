import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CleanupExpiredRefreshTokensHandler, EchoHandler, SleepHandler } from './builtin-handlers';
import { HandlerRegistry } from './handler-registry';

/** The in-process handler registry and the built-in handlers. */
@Module({
  imports: [DiscoveryModule],
  providers: [HandlerRegistry, EchoHandler, SleepHandler, CleanupExpiredRefreshTokensHandler],
  exports: [HandlerRegistry],
})
export class HandlersModule {}
