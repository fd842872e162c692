import { signDelivery, verifyDelivery } from './signature';

describe('delivery signature', () => {
  const secret = 'whsec_abc';
  const now = 1_900_000_000;

  it('is v1= hex HMAC-SHA256 over `${timestamp}.${body}`', () => {
    expect(signDelivery(secret, now, '{"a":1}')).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(signDelivery(secret, now, '{"a":1}')).not.toBe(signDelivery(secret, now + 1, '{"a":1}'));
  });

  it('verifies what it signs and refuses tampering, other secrets and stale timestamps', () => {
    const signature = signDelivery(secret, now, 'body');
    const headers = { timestamp: String(now), signature };
    expect(verifyDelivery(secret, headers, 'body', 300, now + 10)).toBe(true);
    expect(verifyDelivery(secret, headers, 'body!', 300, now)).toBe(false);
    expect(verifyDelivery('other', headers, 'body', 300, now)).toBe(false);
    expect(verifyDelivery(secret, headers, 'body', 300, now + 301)).toBe(false);
    expect(verifyDelivery(secret, { timestamp: undefined, signature }, 'body', 300, now)).toBe(false);
    expect(verifyDelivery(secret, { timestamp: String(now), signature: 'v1=short' }, 'body', 300, now)).toBe(false);
  });
});
