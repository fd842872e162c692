import axios, { AxiosError, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';
import { ApiError, toProblem } from './problem';

/**
 * How the client reaches the session without importing the store (which would make a
 * cycle): the auth store registers these hooks once at start-up.
 */
export interface AuthHooks {
  accessToken(): string | null;
  /** Exchanges the refresh token for a new pair; resolves false when the session is over. */
  refresh(): Promise<boolean>;
  /** The session could not be renewed: forget it and send the user to the login page. */
  sessionLost(): void;
}

let hooks: AuthHooks | null = null;
let refreshing: Promise<boolean> | null = null;

export function registerAuthHooks(next: AuthHooks): void {
  hooks = next;
}

interface RetriableConfig extends InternalAxiosRequestConfig {
  _replayed?: boolean;
  /** Auth endpoints themselves must not trigger a refresh (a wrong password is a 401 too). */
  skipAuthRefresh?: boolean;
}

export const http = axios.create({ baseURL: '/api/v1', timeout: 20_000 });

http.interceptors.request.use((config) => {
  const token = hooks?.accessToken();
  if (token) config.headers.set('Authorization', `Bearer ${token}`);
  return config;
});

/** One refresh at a time: concurrent 401s wait for the same renewal. */
function refreshOnce(): Promise<boolean> {
  if (!hooks) return Promise.resolve(false);
  refreshing ??= hooks.refresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

http.interceptors.response.use(undefined, async (error: AxiosError) => {
  const config = error.config as RetriableConfig | undefined;
  const status = error.response?.status ?? 0;
  if (status === 401 && config && !config._replayed && !config.skipAuthRefresh && hooks) {
    config._replayed = true;
    if (await refreshOnce()) return http.request(config);
    hooks.sessionLost();
  }
  throw new ApiError(status, toProblem(status, error.response?.data));
});

export interface RequestOptions extends AxiosRequestConfig {
  skipAuthRefresh?: boolean;
}

export async function get<T>(url: string, options?: RequestOptions): Promise<T> {
  return (await http.get<T>(url, options)).data;
}

export async function post<T>(url: string, body?: unknown, options?: RequestOptions): Promise<T> {
  return (await http.post<T>(url, body, options)).data;
}

export async function patch<T>(url: string, body?: unknown, options?: RequestOptions): Promise<T> {
  return (await http.patch<T>(url, body, options)).data;
}

export async function del<T = void>(url: string, options?: RequestOptions): Promise<T> {
  return (await http.delete<T>(url, options)).data;
}
