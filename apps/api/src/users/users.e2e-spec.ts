import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, TestApp } from '../../test/test-app';

interface UserBody {
  id: string;
  email: string;
  role: 'admin' | 'user';
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

describe('users routes (/api/v1/users, admin only)', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let database: DataSource;
  let adminToken: string;
  let adminId: string;
  let member: UserBody;
  let memberToken: string;
  const memberPassword = 'member-password-1';

  const asAdmin = <T extends request.Test>(test: T): T => test.set('Authorization', `Bearer ${adminToken}`);
  const login = async (email: string, password: string) =>
    (await http.post('/api/v1/auth/login').send({ email, password }).expect(200)).body as {
      accessToken: string;
      refreshToken: string;
      user: { id: string };
    };
  const create = async (email: string, role: 'admin' | 'user' = 'user', password = 'some-password-1') =>
    (await asAdmin(http.post('/api/v1/users')).send({ email, password, role }).expect(201)).body as UserBody;

  beforeAll(async () => {
    testApp = await createTestApp({ AUTH_LOGIN_RATE_LIMIT: '1000', AUTH_LOGIN_IP_RATE_LIMIT: '1000' });
    http = request(testApp.app.getHttpServer());
    database = testApp.app.get(DataSource);
    const admin = await login(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD);
    adminToken = admin.accessToken;
    adminId = admin.user.id;
    member = await create('member@test.zer08', 'user', memberPassword);
    memberToken = (await login(member.email, memberPassword)).accessToken;
  });

  afterAll(() => testApp.close());

  describe('POST /users', () => {
    it('creates a user and never shows a password hash', async () => {
      const response = await asAdmin(http.post('/api/v1/users'))
        .send({ email: 'New.Person@Test.zer08', password: 'new-person-1', role: 'user' })
        .expect(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: 'New.Person@Test.zer08',
        role: 'user',
        disabled: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const [stored] = await database.query(`SELECT password_hash FROM users WHERE id = $1`, [response.body.id]);
      expect(stored.password_hash).toMatch(/^\$argon2id\$/);
      await login('new.person@test.zer08', 'new-person-1');
    });

    it('answers 409 for an email that exists in another letter case', async () => {
      const response = await asAdmin(http.post('/api/v1/users'))
        .send({ email: 'MEMBER@test.zer08', password: 'whatever-1', role: 'user' })
        .expect(409);
      expect(response.body).toMatchObject({ status: 409, code: 'email_taken' });
    });
  });

  describe('GET /users', () => {
    it('pages through users oldest first with {items, total, page, pageSize}', async () => {
      const all = (await asAdmin(http.get('/api/v1/users')).expect(200)).body;
      expect(all).toMatchObject({ page: 1, pageSize: 20 });
      expect(all.total).toBe(all.items.length);
      expect(all.items[0]).toMatchObject({ email: TEST_ADMIN_EMAIL, role: 'admin' });
      for (const item of all.items)
        expect(Object.keys(item).sort()).toEqual(['createdAt', 'disabled', 'email', 'id', 'role', 'updatedAt']);

      const second = (await asAdmin(http.get('/api/v1/users?page=2&pageSize=1')).expect(200)).body;
      expect(second).toEqual({ items: [all.items[1]], total: all.total, page: 2, pageSize: 1 });
      const beyond = (await asAdmin(http.get('/api/v1/users?page=99')).expect(200)).body;
      expect(beyond).toEqual({ items: [], total: all.total, page: 99, pageSize: 20 });
    });

    it('searches by part of the email, case-insensitively, with LIKE wildcards taken literally', async () => {
      const found = (await asAdmin(http.get('/api/v1/users?q=MEMBER')).expect(200)).body;
      expect(found.items.map((user: UserBody) => user.email)).toEqual(['member@test.zer08']);
      expect(found.total).toBe(1);
      const wildcard = (await asAdmin(http.get('/api/v1/users').query({ q: '%' })).expect(200)).body;
      expect(wildcard).toMatchObject({ items: [], total: 0 });
    });
  });

  describe('GET /users/:id', () => {
    it('answers the user, or 404 when there is none', async () => {
      expect((await asAdmin(http.get(`/api/v1/users/${member.id}`)).expect(200)).body).toEqual(member);
      const missing = await asAdmin(http.get(`/api/v1/users/${randomUUID()}`)).expect(404);
      expect(missing.body).toMatchObject({ status: 404, code: 'not_found' });
    });
  });

  describe('PATCH /users/:id', () => {
    it('changes the role, which applies to the user’s next request', async () => {
      const promoted = await create('promoted@test.zer08', 'user', 'promoted-password-1');
      const token = (await login(promoted.email, 'promoted-password-1')).accessToken;
      await http.get('/api/v1/users').set('Authorization', `Bearer ${token}`).expect(403);
      const response = await asAdmin(http.patch(`/api/v1/users/${promoted.id}`))
        .send({ role: 'admin' })
        .expect(200);
      expect(response.body).toMatchObject({ id: promoted.id, role: 'admin', disabled: false });
      await http.get('/api/v1/users').set('Authorization', `Bearer ${token}`).expect(200);
      await asAdmin(http.patch(`/api/v1/users/${promoted.id}`))
        .send({ role: 'user' })
        .expect(200);
      await http.get('/api/v1/users').set('Authorization', `Bearer ${token}`).expect(403);
    });

    it('disabling ends every session at once (access and refresh tokens) and blocks login; enabling allows login again', async () => {
      const user = await create('to-disable@test.zer08', 'user', 'disable-me-please');
      const session = await login(user.email, 'disable-me-please');
      await http.get('/api/v1/auth/me').set('Authorization', `Bearer ${session.accessToken}`).expect(200);

      const response = await asAdmin(http.patch(`/api/v1/users/${user.id}`))
        .send({ disabled: true })
        .expect(200);
      expect(response.body).toMatchObject({ disabled: true });
      const refused = await http
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${session.accessToken}`)
        .expect(401);
      expect(refused.body.code).toBe('token_revoked');
      await http.post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
      const [{ live }] = await database.query(
        `SELECT count(*)::int AS live FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL`,
        [user.id],
      );
      expect(live).toBe(0);
      expect(
        (await http.post('/api/v1/auth/login').send({ email: user.email, password: 'disable-me-please' }).expect(401))
          .body.code,
      ).toBe('invalid_credentials');

      await asAdmin(http.patch(`/api/v1/users/${user.id}`))
        .send({ disabled: false })
        .expect(200);
      await login(user.email, 'disable-me-please');
    });

    it('refuses (409) to demote or disable the last active administrator, even oneself', async () => {
      const demote = await asAdmin(http.patch(`/api/v1/users/${adminId}`))
        .send({ role: 'user' })
        .expect(409);
      expect(demote.body).toMatchObject({ status: 409, code: 'last_admin' });
      await asAdmin(http.patch(`/api/v1/users/${adminId}`))
        .send({ disabled: true })
        .expect(409);
      const [{ role, disabled }] = await database.query(`SELECT role, disabled FROM users WHERE id = $1`, [adminId]);
      expect({ role, disabled }).toEqual({ role: 'admin', disabled: false });
    });

    it('allows demoting an admin while another active admin remains, and serialises concurrent demotions', async () => {
      const second = await create('second-admin@test.zer08', 'admin');
      const third = await create('third-admin@test.zer08', 'admin');
      await asAdmin(http.patch(`/api/v1/users/${third.id}`))
        .send({ role: 'user' })
        .expect(200);

      // Two admins left (the bootstrap admin and `second`): demoting both at once must leave one.
      const [first, other] = await Promise.all([
        asAdmin(http.patch(`/api/v1/users/${adminId}`)).send({ role: 'user' }),
        asAdmin(http.patch(`/api/v1/users/${second.id}`)).send({ role: 'user' }),
      ]);
      // The loser answers 409, or 403 when the winner demoted the loser's caller (here the same admin) before its guard ran.
      const statuses = [first.status, other.status].sort();
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const [{ admins }] = await database.query(
        `SELECT count(*)::int AS admins FROM users WHERE role = 'admin' AND NOT disabled`,
      );
      expect(admins).toBe(1);
      // Put things back: whoever was demoted becomes admin again (by SQL: the caller may have lost admin).
      await database.query(`UPDATE users SET role = 'admin' WHERE id = ANY($1)`, [[adminId, second.id]]);
      await asAdmin(http.patch(`/api/v1/users/${second.id}`))
        .send({ disabled: true })
        .expect(200);
    });

    it('answers 404 for an unknown user', async () => {
      await asAdmin(http.patch(`/api/v1/users/${randomUUID()}`))
        .send({ role: 'user' })
        .expect(404);
    });
  });

  describe('DELETE /users/:id', () => {
    it('deletes the user, and their jobs with them (ON DELETE CASCADE)', async () => {
      const leaving = await create('leaving@test.zer08');
      await database.query(
        `INSERT INTO jobs (owner_id, name, schedule, target, signing_secret)
         VALUES ($1, 'doomed', '{"kind":"interval","every":"1h"}', '{"kind":"handler","name":"noop"}', 'secret')`,
        [leaving.id],
      );
      await asAdmin(http.delete(`/api/v1/users/${leaving.id}`)).expect(204);
      await asAdmin(http.get(`/api/v1/users/${leaving.id}`)).expect(404);
      const [{ jobs }] = await database.query(`SELECT count(*)::int AS jobs FROM jobs WHERE owner_id = $1`, [
        leaving.id,
      ]);
      expect(jobs).toBe(0);
      await asAdmin(http.delete(`/api/v1/users/${leaving.id}`)).expect(404);
    });

    it('refuses (409) to delete the last active administrator', async () => {
      const response = await asAdmin(http.delete(`/api/v1/users/${adminId}`)).expect(409);
      expect(response.body.code).toBe('last_admin');
    });

    it('revokes the deleted user’s access tokens', async () => {
      const gone = await create('gone@test.zer08', 'user', 'gone-password-1');
      const token = (await login(gone.email, 'gone-password-1')).accessToken;
      await http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
      await asAdmin(http.delete(`/api/v1/users/${gone.id}`)).expect(204);
      await http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    });
  });

  describe('authorization', () => {
    const routes = (): Array<[string, () => request.Test]> => [
      [
        'POST /users',
        () => http.post('/api/v1/users').send({ email: 'x@test.zer08', password: 'long-enough-1', role: 'user' }),
      ],
      ['GET /users', () => http.get('/api/v1/users')],
      ['GET /users/:id', () => http.get(`/api/v1/users/${member.id}`)],
      ['PATCH /users/:id', () => http.patch(`/api/v1/users/${member.id}`).send({ role: 'admin' })],
      ['DELETE /users/:id', () => http.delete(`/api/v1/users/${adminId}`)],
    ];

    it('answers 403 problem+json to a non-admin on every users route, and changes nothing', async () => {
      const before = await database.query(`SELECT * FROM users ORDER BY id`);
      for (const [label, send] of routes()) {
        const response = await send().set('Authorization', `Bearer ${memberToken}`);
        expect([label, response.status]).toEqual([label, 403]);
        expect(response.body).toMatchObject({ status: 403, code: 'forbidden' });
      }
      expect(await database.query(`SELECT * FROM users ORDER BY id`)).toEqual(before);
    });

    it('answers 401 without a token on every users route', async () => {
      for (const [label, send] of routes()) {
        const response = await send();
        expect([label, response.status, response.body.code]).toEqual([label, 401, 'missing_token']);
      }
    });
  });

  describe('bad input answers 400 naming the field and changes nothing', () => {
    const snapshot = () =>
      database.query(
        `SELECT id, email, role, disabled, password_hash, tokens_valid_after, updated_at FROM users ORDER BY id`,
      );
    const valid = { email: 'valid@test.zer08', password: 'valid-password-1', role: 'user' };

    const cases: Array<[string, () => request.Test, string[]]> = [
      ['POST /users without a body', () => http.post('/api/v1/users'), ['email', 'password', 'role']],
      [
        'POST /users with a bad email',
        () => http.post('/api/v1/users').send({ ...valid, email: 'not an email' }),
        ['email'],
      ],
      [
        'POST /users with an email that is a number',
        () => http.post('/api/v1/users').send({ ...valid, email: 12 }),
        ['email'],
      ],
      [
        'POST /users with a short password',
        () => http.post('/api/v1/users').send({ ...valid, password: 'short' }),
        ['password'],
      ],
      [
        'POST /users with a password that is not a string',
        () => http.post('/api/v1/users').send({ ...valid, password: 123456789 }),
        ['password'],
      ],
      ['POST /users with an unknown role', () => http.post('/api/v1/users').send({ ...valid, role: 'root' }), ['role']],
      [
        'POST /users with an unknown field',
        () => http.post('/api/v1/users').send({ ...valid, passwordHash: 'x' }),
        ['passwordHash'],
      ],
      [
        'PATCH /users/:id with an unknown role',
        () => http.patch(`/api/v1/users/${member.id}`).send({ role: 'superuser' }),
        ['role'],
      ],
      [
        'PATCH /users/:id with disabled as a string',
        () => http.patch(`/api/v1/users/${member.id}`).send({ disabled: 'yes' }),
        ['disabled'],
      ],
      [
        'PATCH /users/:id with an unknown field',
        () => http.patch(`/api/v1/users/${member.id}`).send({ email: 'other@test.zer08' }),
        ['email'],
      ],
      ['GET /users/:id with a bad UUID', () => http.get('/api/v1/users/not-a-uuid'), ['id']],
      ['PATCH /users/:id with a bad UUID', () => http.patch('/api/v1/users/123').send({ disabled: true }), ['id']],
      ['DELETE /users/:id with a bad UUID', () => http.delete(`/api/v1/users/${member.id}x`), ['id']],
      ['GET /users?page=0', () => http.get('/api/v1/users?page=0'), ['page']],
      ['GET /users?page=abc', () => http.get('/api/v1/users?page=abc'), ['page']],
      ['GET /users?page=1.5', () => http.get('/api/v1/users?page=1.5'), ['page']],
      ['GET /users?page=1&page=2', () => http.get('/api/v1/users?page=1&page=2'), ['page']],
      ['GET /users?pageSize=0', () => http.get('/api/v1/users?pageSize=0'), ['pageSize']],
      ['GET /users?pageSize=101', () => http.get('/api/v1/users?pageSize=101'), ['pageSize']],
      ['GET /users?sort=email', () => http.get('/api/v1/users?sort=email'), ['sort']],
    ];

    it.each(cases)('%s', async (_label, send, fields) => {
      const before = await snapshot();
      const response = await send().set('Authorization', `Bearer ${adminToken}`).expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe('validation_failed');
      expect(
        [...new Set((response.body.errors as Array<{ field: string }>).map((error) => error.field))].sort(),
      ).toEqual([...fields].sort());
      expect(await snapshot()).toEqual(before);
    });
  });
});
