import { Inject, Injectable } from '@nestjs/common';
import { HandlerRegistry } from '../handlers/handler-registry';
import { DbClock } from '../scheduler/db-clock';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../scheduler/scheduler.config';
import { ClaimedExecution, ExecutionOutcome, HandlerTarget, timeoutOf } from '../scheduler/scheduler.types';
import { CallAborted, outcomeOfAbort } from './abort-reasons';
import { CallControl } from './call-control';

/** Runs `{kind: 'handler'}` targets: a registered provider's handle(payload, context). */
@Injectable()
export class HandlerExecutor {
  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    private readonly registry: HandlerRegistry,
    private readonly clock: DbClock,
  ) {}

  async run(execution: ClaimedExecution, control: CallControl): Promise<ExecutionOutcome> {
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
    const timer = setTimeout(
      () => control.abort(new CallAborted('timeout', `handler did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const aborted = new Promise<never>((_, reject) => control.onAbort(reject));
    aborted.catch(() => undefined);
    try {
      const value = await Promise.race([
        Promise.resolve().then(() =>
          handler.handle(target.payload ?? null, {
            executionId: execution.id,
            jobId: execution.jobId,
            scheduledFor: execution.scheduledFor,
            attempt: execution.attempt,
            signal: control.signal,
          }),
        ),
        aborted,
      ]);
      return finish({ status: 'succeeded', result: toJson(value) });
    } catch (error) {
      if (control.aborted) return finish(outcomeOfAbort(control.reason));
      return finish({
        status: 'failed',
        error: `handler '${target.name}' failed: ${(error as Error)?.message ?? String(error)}`,
      });
    } finally {
      clearTimeout(timer);
      control.onAbort(undefined);
    }
  }
}

function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as unknown;
}
