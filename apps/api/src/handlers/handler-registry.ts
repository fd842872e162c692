import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { SCHEDULED_HANDLER_NAME, ScheduledHandlerInstance } from './scheduled-handler';

/** Every `@ScheduledHandler` provider in the application, by name. */
@Injectable()
export class HandlerRegistry implements OnModuleInit {
  private readonly logger = new Logger(HandlerRegistry.name);
  private readonly handlers = new Map<string, ScheduledHandlerInstance>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const { metatype, instance } = wrapper;
      if (!metatype || !instance || typeof metatype !== 'function') continue;
      const name = this.reflector.get<string | undefined>(SCHEDULED_HANDLER_NAME, metatype);
      if (!name) continue;
      if (typeof (instance as ScheduledHandlerInstance).handle !== 'function') {
        throw new Error(`@ScheduledHandler('${name}') on ${metatype.name} needs a handle(payload, context) method`);
      }
      if (this.handlers.has(name)) throw new Error(`two providers register the scheduled handler '${name}'`);
      this.handlers.set(name, instance as ScheduledHandlerInstance);
    }
    this.logger.debug(`scheduled handlers: ${this.names().join(', ') || '(none)'}`);
  }

  get(name: string): ScheduledHandlerInstance | undefined {
    return this.handlers.get(name);
  }

  names(): string[] {
    return [...this.handlers.keys()].sort();
  }
}
