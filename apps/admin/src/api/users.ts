import { del, get, patch, post } from '../http/client';
import type { Page, Role, User } from './types';

export interface UserQuery {
  page?: number;
  pageSize?: number;
  /** Part of the email, case-insensitive. */
  q?: string;
}

export const usersApi = {
  list: (query: UserQuery = {}) =>
    get<Page<User>>('/users', { params: query.q ? query : { page: query.page, pageSize: query.pageSize } }),
  create: (input: { email: string; password: string; role: Role }) => post<User>('/users', input),
  update: (id: string, change: { role?: Role; disabled?: boolean }) => patch<User>(`/users/${id}`, change),
  remove: (id: string) => del(`/users/${id}`),
};
