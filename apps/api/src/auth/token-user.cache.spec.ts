import { AuthSettings } from './auth-settings';
import { TokenUserCache } from './token-user.cache';
import type { UserAccessState, UsersRepository } from '../users/users.repository';

/** The cache is in-process logic; the lookup it wraps is covered against Postgres by the e2e specs. */
describe('TokenUserCache', () => {
  const state: UserAccessState = {
    email: 'a@test.zer08',
    role: 'user',
    disabled: false,
    tokensValidAfter: new Date(0),
  };
  let reads: number;
  let nextRead: () => Promise<UserAccessState | null>;
  const repository = { findAccessState: () => ((reads += 1), nextRead()) } as unknown as UsersRepository;
  const cacheWith = (ms: number) =>
    new TokenUserCache(repository, Object.assign(new AuthSettings(), { AUTH_USER_CACHE_MS: ms }));

  beforeEach(() => {
    reads = 0;
    nextRead = () => Promise.resolve(state);
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  });

  afterEach(() => jest.useRealTimers());

  it('shares one read between concurrent requests and keeps it for the cache period', async () => {
    const cache = cacheWith(5_000);
    await expect(Promise.all([cache.get('u1'), cache.get('u1'), cache.get('u1')])).resolves.toEqual([
      state,
      state,
      state,
    ]);
    expect(reads).toBe(1);
    jest.advanceTimersByTime(4_999);
    await cache.get('u1');
    expect(reads).toBe(1);
    jest.advanceTimersByTime(1);
    await cache.get('u1');
    expect(reads).toBe(2);
  });

  it('reads again at once after invalidate (revocations made through this replica)', async () => {
    const cache = cacheWith(5_000);
    await cache.get('u1');
    cache.invalidate('u1');
    await cache.get('u1');
    expect(reads).toBe(2);
  });

  it('reads every time when the period is 0', async () => {
    const cache = cacheWith(0);
    await cache.get('u1');
    await cache.get('u1');
    expect(reads).toBe(2);
  });

  it('does not remember a failed read', async () => {
    const cache = cacheWith(5_000);
    nextRead = () => Promise.reject(new Error('connection lost'));
    await expect(cache.get('u1')).rejects.toThrow('connection lost');
    nextRead = () => Promise.resolve(state);
    await expect(cache.get('u1')).resolves.toEqual(state);
    expect(reads).toBe(2);
  });

  it('remembers that a user does not exist, per user', async () => {
    const cache = cacheWith(5_000);
    nextRead = () => Promise.resolve(null);
    await expect(cache.get('gone')).resolves.toBeNull();
    nextRead = () => Promise.resolve(state);
    await expect(cache.get('gone')).resolves.toBeNull();
    await expect(cache.get('other')).resolves.toEqual(state);
  });
});
