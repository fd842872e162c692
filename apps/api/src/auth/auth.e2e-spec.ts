import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { accessTokenFor, createTestApp, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, TestApp } from '../../test/test-app';
import { PasswordHasher } from '../users/password-hasher';

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
  user: { id: string; email: string; role: 'admin' | 'user' };
}

describe('auth routes (/api/v1/auth)', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let database: DataSource;
  let admin: Tokens;
  let alice: { id: string; email: string; role: 'user' };
  const alicePassword = 'alice-password-1';

  const login = async (email: string, password: string): Promise<Tokens> =>
    (await http.post('/api/v1/auth/login').send({ email, password }).expect(200)).body as Tokens;
  const me = (accessToken: string) => http.get('/api/v1/auth/me').set('Authorization', `Bearer ${accessToken}`);
  const createUser = async (email: string, password: string, role: 'admin' | 'user' = 'user') =>
    (
      await http
        .post('/api/v1/users')
        .set('Authorization', `Bearer ${admin.accessToken}`)
        .send({ email, password, role })
        .expect(201)
    ).body as { id: string; email: string; role: 'user' };

  beforeAll(async () => {
    // Login throttling has its own spec (auth-throttle.e2e-spec.ts); here it must not interfere.
    testApp = await createTestApp({ AUTH_LOGIN_RATE_LIMIT: '1000', AUTH_LOGIN_IP_RATE_LIMIT: '1000' });
    http = request(testApp.app.getHttpServer());
    database = testApp.app.get(DataSource);
    admin = await login(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD);
    alice = await createUser('alice@test.zer08', alicePassword);
  });

  afterAll(() => testApp.close());

  describe('POST /auth/login', () => {
    it('answers an access token, a refresh token and who logged in', async () => {
      const tokens = await login('Alice@Test.Zer08', alicePassword);
      expect(tokens).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refreshToken: expect.stringMatching(/^[\w-]{43}$/),
        expiresIn: 900,
        tokenType: 'Bearer',
        user: { id: alice.id, email: 'alice@test.zer08', role: 'user' },
      });
      const claims = new JwtService().decode(tokens.accessToken) as Record<string, unknown>;
      expect(claims).toMatchObject({ sub: alice.id, email: 'alice@test.zer08', role: 'user', typ: 'access' });
      expect((claims.exp as number) - Math.floor(claims.iat as number)).toBe(900);
      const header = JSON.parse(Buffer.from(tokens.accessToken.split('.')[0], 'base64url').toString()) as {
        alg: string;
      };
      expect(header.alg).toBe('HS256');
    });

    it('stores refresh tokens hashed, never as issued', async () => {
      const tokens = await login(alice.email, alicePassword);
      const stored = await database.query(`SELECT token_hash FROM refresh_tokens WHERE token_hash = $1`, [
        tokens.refreshToken,
      ]);
      expect(stored).toHaveLength(0);
      const [{ count }] = await database.query(`SELECT count(*)::int AS count FROM refresh_tokens WHERE user_id = $1`, [
        alice.id,
      ]);
      expect(count).toBeGreaterThan(0);
    });

    it('answers the same 401 for an unknown email, a wrong password and a disabled account, hashing in every case', async () => {
      const disabled = await createUser('disabled@test.zer08', 'disabled-password-1');
      await http
        .patch(`/api/v1/users/${disabled.id}`)
        .set('Authorization', `Bearer ${admin.accessToken}`)
        .send({ disabled: true })
        .expect(200);
      const verify = jest.spyOn(testApp.app.get(PasswordHasher), 'verify');
      try {
        const attempts = [
          { email: 'nobody@test.zer08', password: 'whatever-password' },
          { email: alice.email, password: 'wrong-password' },
          { email: disabled.email, password: 'disabled-password-1' },
        ];
        const bodies = [];
        for (const attempt of attempts) {
          const response = await http.post('/api/v1/auth/login').send(attempt).expect(401);
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          bodies.push(response.body);
        }
        expect(verify).toHaveBeenCalledTimes(3);
        for (const body of bodies) {
          expect(body).toEqual({
            type: 'https://zer08.dev/problems/invalid_credentials',
            title: 'Unauthorized',
            status: 401,
            detail: 'The email or password is incorrect.',
            instance: '/api/v1/auth/login',
            code: 'invalid_credentials',
          });
        }
      } finally {
        verify.mockRestore();
      }
    });
  });

  describe('access tokens', () => {
    it('GET /auth/me answers the caller', async () => {
      const response = await me(admin.accessToken).expect(200);
      expect(response.body).toEqual({
        id: admin.user.id,
        email: TEST_ADMIN_EMAIL,
        role: 'admin',
        createdAt: expect.any(String),
      });
      expect(new Date(response.body.createdAt).toString()).not.toBe('Invalid Date');
    });

    it('answers each of many concurrent callers as themselves', async () => {
      const callers = Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? { token: admin.accessToken, email: TEST_ADMIN_EMAIL }
          : { token: accessTokenFor(testApp.env, alice), email: alice.email },
      );
      const responses = await Promise.all(callers.map((caller) => me(caller.token).expect(200)));
      expect(responses.map((response) => response.body.email.toLowerCase())).toEqual(
        callers.map((caller) => caller.email.toLowerCase()),
      );
    });

    it('accepts a token minted like the login route mints them (test helper)', async () => {
      await me(accessTokenFor(testApp.env, alice)).expect(200);
    });

    const refusals: Array<[string, () => Record<string, string>, string]> = [
      ['no Authorization header', () => ({}), 'missing_token'],
      ['another scheme', () => ({ Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), 'missing_token'],
      ['a malformed token', () => ({ Authorization: 'Bearer not-a-jwt' }), 'invalid_token'],
      [
        'an expired token',
        () => ({ Authorization: `Bearer ${accessTokenFor(testApp.env, alice, -10)}` }),
        'token_expired',
      ],
      [
        'a token signed with another secret',
        () => ({
          Authorization: `Bearer ${accessTokenFor({ ...testApp.env, JWT_SECRET: 'another-secret-that-is-long-enough-to-sign' }, alice)}`,
        }),
        'invalid_token',
      ],
      [
        'a token of the wrong typ',
        () => ({
          Authorization: `Bearer ${new JwtService({ secret: testApp.env.JWT_SECRET }).sign({ sub: alice.id, email: alice.email, role: 'user', typ: 'refresh' })}`,
        }),
        'invalid_token',
      ],
      [
        'a token without exp',
        () => ({
          Authorization: `Bearer ${new JwtService({ secret: testApp.env.JWT_SECRET }).sign({ sub: alice.id, email: alice.email, role: 'user', typ: 'access' })}`,
        }),
        'invalid_token',
      ],
      [
        'an unsigned token (alg none)',
        () => {
          const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          return {
            Authorization: `Bearer ${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: admin.user.id, role: 'admin', typ: 'access', iat: now, exp: now + 60 })}.`,
          };
        },
        'invalid_token',
      ],
      [
        'a token whose subject is not a UUID',
        () => ({
          Authorization: `Bearer ${accessTokenFor(testApp.env, { id: 'not-a-uuid', email: 'x@y.z', role: 'admin' })}`,
        }),
        'invalid_token',
      ],
      [
        'a token of a user that does not exist',
        () => ({
          Authorization: `Bearer ${accessTokenFor(testApp.env, { id: '00000000-0000-4000-8000-000000000000', email: 'x@y.z', role: 'admin' })}`,
        }),
        'token_revoked',
      ],
    ];

    it.each(refusals)('refuses %s with 401 problem+json', async (_label, headers, code) => {
      const response = await http.get('/api/v1/auth/me').set(headers()).expect(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(response.body).toMatchObject({ status: 401, code });
    });

    it('guards every API route by default; health and docs stay open', async () => {
      await http.get('/health/live').expect(200);
      await http.get('/health').expect(200);
      const docs = await http.get('/api/docs/openapi.json').expect(200);
      const paths = docs.body.paths as Record<string, Record<string, { security?: unknown[]; tags?: string[] }>>;
      // An empty requirement overrides the document-wide bearer requirement: no token needed.
      expect(paths['/api/v1/auth/login'].post.security).toEqual([{}]);
      expect(paths['/api/v1/auth/login'].post.tags).toEqual(['auth']);
      expect(paths['/api/v1/auth/me'].get.security).toEqual([{ bearer: [] }]);
      expect(paths['/api/v1/users'].get.tags).toEqual(['users']);
      expect(docs.body.components.schemas.LoginDto.properties.email).toBeDefined();
      expect(docs.body.components.schemas.AuthTokensDto).toBeDefined();
    });
  });

  describe('refresh token rotation', () => {
    it('issues a new pair and refuses the spent refresh token; reusing it revokes the whole family', async () => {
      const first = await login(alice.email, alicePassword);
      const second = (await http.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200))
        .body as Tokens;
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.user).toEqual({ id: alice.id, email: alice.email, role: 'user' });
      await me(second.accessToken).expect(200);

      const reuse = await http.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
      expect(reuse.body.code).toBe('refresh_token_reused');
      // The thief or the victim: whoever holds the successor is logged out too.
      const successor = await http.post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
      expect(successor.body.code).toBe('invalid_refresh_token');
    });

    it('lets exactly one of two concurrent uses of a refresh token win', async () => {
      const tokens = await login(alice.email, alicePassword);
      const responses = await Promise.all(
        [1, 2, 3].map(() => http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken })),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([200, 401, 401]);
    });

    it('refuses unknown and expired refresh tokens', async () => {
      const unknown = await http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: 'A'.repeat(43) })
        .expect(401);
      expect(unknown.body.code).toBe('invalid_refresh_token');
      const tokens = await login(alice.email, alicePassword);
      await database.query(
        `UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND replaced_by IS NULL AND revoked_at IS NULL`,
        [alice.id],
      );
      const expired = await http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(401);
      expect(expired.body.code).toBe('invalid_refresh_token');
    });
  });

  describe('logout', () => {
    it('POST /auth/logout revokes the session (204, idempotent, unknown tokens too)', async () => {
      const tokens = await login(alice.email, alicePassword);
      await http.post('/api/v1/auth/logout').send({ refreshToken: tokens.refreshToken }).expect(204);
      await http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(401);
      await http.post('/api/v1/auth/logout').send({ refreshToken: tokens.refreshToken }).expect(204);
      await http.post('/api/v1/auth/logout').send({ refreshToken: 'never-issued' }).expect(204);
    });

    it('POST /auth/logout-all revokes every refresh token and every access token issued so far', async () => {
      const here = await login(alice.email, alicePassword);
      const there = await login(alice.email, alicePassword);
      await http.post('/api/v1/auth/logout-all').set('Authorization', `Bearer ${here.accessToken}`).expect(204);
      expect((await me(here.accessToken).expect(401)).body.code).toBe('token_revoked');
      expect((await me(there.accessToken).expect(401)).body.code).toBe('token_revoked');
      await http.post('/api/v1/auth/refresh').send({ refreshToken: here.refreshToken }).expect(401);
      await http.post('/api/v1/auth/refresh').send({ refreshToken: there.refreshToken }).expect(401);
      const again = await login(alice.email, alicePassword);
      await me(again.accessToken).expect(200);
    });
  });

  describe('POST /auth/password', () => {
    it('changes the password, revokes access tokens and other sessions, and keeps this session refreshable', async () => {
      const carol = await createUser('carol@test.zer08', 'carol-password-1');
      const here = await login(carol.email, 'carol-password-1');
      const there = await login(carol.email, 'carol-password-1');

      const wrong = await http
        .post('/api/v1/auth/password')
        .set('Authorization', `Bearer ${here.accessToken}`)
        .send({ currentPassword: 'not-my-password', newPassword: 'carol-password-2' })
        .expect(400);
      expect(wrong.body.errors).toEqual([{ field: 'currentPassword', message: expect.any(String) }]);

      await http
        .post('/api/v1/auth/password')
        .set('Authorization', `Bearer ${here.accessToken}`)
        .send({ currentPassword: 'carol-password-1', newPassword: 'carol-password-2' })
        .expect(204);

      expect((await me(here.accessToken).expect(401)).body.code).toBe('token_revoked');
      expect((await me(there.accessToken).expect(401)).body.code).toBe('token_revoked');
      await http.post('/api/v1/auth/refresh').send({ refreshToken: there.refreshToken }).expect(401);
      const refreshed = (await http.post('/api/v1/auth/refresh').send({ refreshToken: here.refreshToken }).expect(200))
        .body as Tokens;
      await me(refreshed.accessToken).expect(200);

      await http.post('/api/v1/auth/login').send({ email: carol.email, password: 'carol-password-1' }).expect(401);
      await login(carol.email, 'carol-password-2');
    });
  });

  describe('bad input answers 400 naming the field and changes nothing', () => {
    const snapshot = async () => ({
      users: await database.query(
        `SELECT id, email, role, disabled, password_hash, tokens_valid_after, updated_at FROM users ORDER BY id`,
      ),
      tokens: await database.query(`SELECT id, revoked_at, replaced_by FROM refresh_tokens ORDER BY id`),
    });

    const cases: Array<[string, string, unknown, string[]]> = [
      ['/auth/login', 'no body', undefined, ['email', 'password']],
      ['/auth/login', 'missing password', { email: 'a@b.c' }, ['password']],
      ['/auth/login', 'email not a string', { email: 42, password: 'x' }, ['email']],
      ['/auth/login', 'bad email', { email: 'not-an-email', password: 'x' }, ['email']],
      ['/auth/login', 'password not a string', { email: 'a@b.c', password: 12345678 }, ['password']],
      ['/auth/login', 'empty password', { email: 'a@b.c', password: '' }, ['password']],
      ['/auth/login', 'unknown field', { email: 'a@b.c', password: 'x', remember: true }, ['remember']],
      ['/auth/refresh', 'missing refreshToken', {}, ['refreshToken']],
      ['/auth/refresh', 'refreshToken not a string', { refreshToken: 7 }, ['refreshToken']],
      ['/auth/refresh', 'unknown field', { refreshToken: 'x', userId: 'y' }, ['userId']],
      ['/auth/logout', 'missing refreshToken', {}, ['refreshToken']],
      ['/auth/logout', 'refreshToken as array', { refreshToken: ['x'] }, ['refreshToken']],
      ['/auth/password', 'missing fields', {}, ['currentPassword', 'newPassword']],
      [
        '/auth/password',
        'short new password',
        { currentPassword: TEST_ADMIN_PASSWORD, newPassword: 'short' },
        ['newPassword'],
      ],
      [
        '/auth/password',
        'new password not a string',
        { currentPassword: TEST_ADMIN_PASSWORD, newPassword: 123456789 },
        ['newPassword'],
      ],
      [
        '/auth/password',
        'unknown field',
        { currentPassword: TEST_ADMIN_PASSWORD, newPassword: 'long-enough-1', role: 'admin' },
        ['role'],
      ],
    ];

    it.each(cases)('POST %s with %s', async (path, _label, body, fields) => {
      const before = await snapshot();
      const response = await http
        .post(`/api/v1${path}`)
        .set('Authorization', `Bearer ${admin.accessToken}`)
        .send(body as object)
        .expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe('validation_failed');
      expect(
        [...new Set((response.body.errors as Array<{ field: string }>).map((error) => error.field))].sort(),
      ).toEqual([...fields].sort());
      expect(await snapshot()).toEqual(before);
    });

    it('answers malformed JSON with 400, not 500', async () => {
      const response = await http
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email": ')
        .expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });
});
