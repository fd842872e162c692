import { get, post } from '../http/client';
import type { TokenPair, User } from './types';

export const authApi = {
  login: (email: string, password: string) =>
    post<TokenPair>('/auth/login', { email, password }, { skipAuthRefresh: true }),
  refresh: (refreshToken: string) => post<TokenPair>('/auth/refresh', { refreshToken }, { skipAuthRefresh: true }),
  logout: (refreshToken: string | null) =>
    post<void>('/auth/logout', refreshToken ? { refreshToken } : {}, { skipAuthRefresh: true }),
  me: () => get<User>('/auth/me'),
  changePassword: (currentPassword: string, newPassword: string) =>
    post<void>('/auth/password', { currentPassword, newPassword }),
};
