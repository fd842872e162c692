import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { AuthUser } from '../auth/auth-user';
import { UserScopedDatabase } from './user-scoped-database';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Runs each authenticated request's handler inside one user-scoped transaction (guards
 * have run: `request.user` is the caller). A write's response is sent only after COMMIT,
 * so a client never sees a 201 for a write that then fails to commit; a read's
 * transaction is READ ONLY and ends without delaying the response.
 */
@Injectable()
export class RowSecurityInterceptor implements NestInterceptor {
  constructor(private readonly database: UserScopedDatabase) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const user = request.user;
    if (!user) return next.handle();
    return from(
      this.database.runAs(
        { id: user.id, role: user.role },
        () => lastValueFrom(next.handle(), { defaultValue: undefined }),
        { readOnly: SAFE_METHODS.has(request.method) },
      ),
    );
  }
}
