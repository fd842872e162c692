import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of } from 'rxjs';
import { RowSecurityInterceptor } from './row-security.interceptor';
import type { RowSecurityIdentity, UserScopedDatabase, UserTransactionOptions } from './user-scoped-database';

/** Which requests get which kind of transaction (the SQL side is in row-security.e2e-spec.ts). */
describe('RowSecurityInterceptor', () => {
  const runs: Array<{ identity: RowSecurityIdentity; options?: UserTransactionOptions }> = [];
  const database = {
    runAs: (identity: RowSecurityIdentity, work: () => Promise<unknown>, options?: UserTransactionOptions) => {
      runs.push({ identity, options });
      return work();
    },
  } as unknown as UserScopedDatabase;
  const interceptor = new RowSecurityInterceptor(database);
  const handler: CallHandler = { handle: () => of('handled') };
  const contextFor = (request: object) =>
    ({ getType: () => 'http', switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;
  const user = { id: '5f0c7c2e-0f7e-4e57-9a52-6f3f2f1d8c11', email: 'a@test.zer08', role: 'user' as const };

  beforeEach(() => runs.splice(0));

  it('runs GET and HEAD read-only and every other method read-write, as the caller', async () => {
    for (const method of ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE']) {
      expect(await lastValueFrom(interceptor.intercept(contextFor({ method, user }), handler))).toBe('handled');
    }
    expect(runs.map((run) => run.options?.readOnly)).toEqual([true, true, false, false, false]);
    expect(runs.every((run) => run.identity.id === user.id && run.identity.role === 'user')).toBe(true);
  });

  it('leaves requests without a caller (public routes) outside any transaction', async () => {
    expect(await lastValueFrom(interceptor.intercept(contextFor({ method: 'GET' }), handler))).toBe('handled');
    expect(runs).toEqual([]);
  });
});
