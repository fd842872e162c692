import { EnvironmentError, validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('applies defaults for a laptop start with nothing set', () => {
    const env = validateEnvironment({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.ADMIN_EMAIL).toBe('admin@zer08.local');
  });

  it('requires JWT_SECRET whenever DATABASE_URL is set, naming it', () => {
    expect(() => validateEnvironment({ DATABASE_URL: 'postgres://db/zer08' })).toThrow(/JWT_SECRET/);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://db', JWT_SECRET: 'x'.repeat(32) }, /DATABASE_URL/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET/],
    [{ ADMIN_EMAIL: 'not-an-email' }, /ADMIN_EMAIL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('stops start-up on %j with a message naming the variable', (raw, name) => {
    expect(() => validateEnvironment(raw)).toThrow(EnvironmentError);
    expect(() => validateEnvironment(raw)).toThrow(name);
  });

  it('reads booleans and numbers from strings', () => {
    const env = validateEnvironment({ PORT: '8080', CALLBACK_ALLOW_PRIVATE_NETWORKS: 'false' });
    expect(env.PORT).toBe(8080);
    expect(env.CALLBACK_ALLOW_PRIVATE_NETWORKS).toBe(false);
  });
});
