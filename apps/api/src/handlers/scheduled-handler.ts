import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';

export const SCHEDULED_HANDLER_NAME = 'zer08:scheduled-handler';

/** What a handler learns about the execution it serves. */
export interface HandlerContext {
  executionId: string;
  jobId: string;
  scheduledFor: Date;
  attempt: number;
  /** Aborted on timeout, cancel or shutdown; long handlers should watch it. */
  signal: AbortSignal;
}

/** An in-process job target: a Nest provider whose return value (JSON) becomes the execution's `result`. */
export interface ScheduledHandlerInstance {
  handle(payload: unknown, context: HandlerContext): unknown;
}

/**
 * Registers a provider as the handler for `{kind: 'handler', name}` targets. The class
 * must also be listed in some module's providers; the registry finds it by discovery.
 */
export const ScheduledHandler = (name: string) =>
  applyDecorators(Injectable(), SetMetadata(SCHEDULED_HANDLER_NAME, name));
