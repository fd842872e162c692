import { Inject, Injectable } from '@nestjs/common';
import { HandlerRegistry } from '../handlers/handler-registry';
import { DbClock } from '../scheduler/db-clock';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../scheduler/scheduler.config';
import { ClaimedExecution, ExecutionOutcome, HandlerTarget, timeoutOf } from '../scheduler/scheduler.types';
import { CallAborted, outcomeOfAbort } from './abort-reasons';

/** Runs `{kind: 'handler'}` targets: a registered provider's handle(payload, context). */
@Injectable()
export class HandlerExecutor {
  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    private readonly registry: HandlerRegistry,
    private readonly clock: DbClock,
  ) {}

  async run(execution: ClaimedExecution, signal: AbortSignal): Promise<ExecutionOutcome> {
    const target = execution.target as HandlerTarget;
    const startedAt = performance.now();
    const finish = (outcome: Omit<ExecutionOutcome, 'finishedAt' | 'durationMs'>): ExecutionOutcome => ({
      ...outcome,
      finishedAt: new Date(this.clock.now()),
      durationMs: Math.round(performance.now() - startedAt),
    });
    const handler = this.registry.get(target.name);
    if (!handler) {
      const known = this.registry.names();
      return finish({
        status: 'failed',
        error: `unknown handler '${target.name}'; registered handlers: ${known.length ? known.join(', ') : '(none)'}`,
      });
    }
    const timeoutMs = timeoutOf(target, this.config.defaultTimeoutMs);
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new CallAborted('timeout', `handler did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }),
    );
    aborted.catch(() => undefined);
    try {
      const value = await Promise.race([
        Promise.resolve().then(() =>
          handler.handle(target.payload ?? null, {
            executionId: execution.id,
            jobId: execution.jobId,
            scheduledFor: execution.scheduledFor,
            attempt: execution.attempt,
            signal: controller.signal,
          }),
        ),
        aborted,
      ]);
      return finish({ status: 'succeeded', result: toJson(value) });
    } catch (error) {
      if (controller.signal.aborted) return finish(outcomeOfAbort(controller.signal.reason));
      return finish({
        status: 'failed',
        error: `handler '${target.name}' failed: ${(error as Error)?.message ?? String(error)}`,
      });
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as unknown;
}
