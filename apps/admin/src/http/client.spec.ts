import type { AxiosAdapter, InternalAxiosRequestConfig } from 'axios';
import { get, http, registerAuthHooks } from './client';
import { ApiError } from './problem';

/** A fake server behind axios: answers 401 unless the bearer token is the current one. */
function fakeServer(validToken: () => string) {
  const seen: string[] = [];
  const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
    const auth = String(config.headers.get('Authorization') ?? '');
    seen.push(`${config.url} ${auth}`);
    const ok = auth === `Bearer ${validToken()}`;
    const response = {
      data: ok ? { ok: true, url: config.url } : { status: 401, title: 'Unauthorized', detail: 'Token expired.' },
      status: ok ? 200 : 401,
      statusText: '',
      headers: {},
      config,
    };
    if (ok) return response;
    const error = Object.assign(new Error('Request failed with status code 401'), {
      config,
      response,
      isAxiosError: true,
    });
    throw error;
  };
  return { adapter, seen };
}

describe('http client auth interceptor', () => {
  const originalAdapter = http.defaults.adapter;
  afterEach(() => {
    http.defaults.adapter = originalAdapter;
  });

  it('refreshes once on 401 and replays the request with the new token, even for concurrent requests', async () => {
    let token = 'old';
    const server = fakeServer(() => 'new');
    http.defaults.adapter = server.adapter;
    const refresh = jest.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      token = 'new';
      return true;
    });
    const sessionLost = jest.fn();
    registerAuthHooks({ accessToken: () => token, refresh, sessionLost });

    const results = await Promise.all([get<{ url: string }>('/jobs'), get<{ url: string }>('/auth/me')]);

    expect(results.map((r) => r.url)).toEqual(['/jobs', '/auth/me']);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(sessionLost).not.toHaveBeenCalled();
    expect(server.seen.filter((line) => line.endsWith('Bearer new'))).toHaveLength(2);
  });

  it('gives up when the refresh fails: the session is lost and the caller gets the 401 problem', async () => {
    http.defaults.adapter = fakeServer(() => 'never').adapter;
    const sessionLost = jest.fn();
    registerAuthHooks({ accessToken: () => 'stale', refresh: async () => false, sessionLost });

    const failure = await get('/jobs').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(401);
    expect((failure as ApiError).message).toBe('Token expired.');
    expect(sessionLost).toHaveBeenCalledTimes(1);
  });

  it('does not try to refresh for the auth endpoints themselves (a wrong password is a 401 too)', async () => {
    http.defaults.adapter = fakeServer(() => 'never').adapter;
    const refresh = jest.fn(async () => true);
    registerAuthHooks({ accessToken: () => null, refresh, sessionLost: jest.fn() });

    await expect(get('/auth/login', { skipAuthRefresh: true })).rejects.toBeInstanceOf(ApiError);
    expect(refresh).not.toHaveBeenCalled();
  });
});
