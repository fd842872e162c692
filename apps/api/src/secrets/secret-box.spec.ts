import { createHash, hkdfSync } from 'node:crypto';
import { EnvironmentError, validateEnvironment } from '../config/environment';
import { deriveKey, parseKeyList, SecretBox, SecretBoxError } from './secret-box';

const KEY_A = 'a'.repeat(16) + '-first-key-material-32+';
const KEY_B = 'b'.repeat(16) + '-second-key-material-32';
const JWT = 'test-secret-that-is-long-enough-for-hs256-signing';
const SECRET = 'q3JpZ2h0LXRoaXMtaXMtYS1zaWduaW5nLXNlY3JldA';

/** Replaces one base64url field of a sealed value. */
function withField(sealed: string, index: number, change: (bytes: Buffer) => Buffer): string {
  const parts = sealed.split(':');
  parts[index] = change(Buffer.from(parts[index], 'base64url')).toString('base64url');
  return parts.join(':');
}
const flipFirstBit = (bytes: Buffer) => {
  const copy = Buffer.from(bytes);
  copy[0] ^= 1;
  return copy;
};

describe('SecretBox', () => {
  it('round-trips, in the documented enc:v1:<keyId>:<iv>:<tag>:<ciphertext> form, never containing the plaintext', () => {
    const box = new SecretBox(KEY_A);
    const sealed = box.seal(SECRET);
    expect(sealed).toMatch(/^enc:v1:[0-9a-f]{8}:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    expect(sealed.split(':')[2]).toBe(box.keyId);
    expect(sealed).not.toContain(SECRET);
    expect(box.open(sealed)).toBe(SECRET);
    // A fresh IV every time: the same secret never seals to the same text.
    expect(box.seal(SECRET)).not.toBe(sealed);
    expect(box.open(box.seal(''))).toBe('');
  });

  it('names the key by the first 8 hex of sha256 of the HKDF-SHA256-derived key', () => {
    const derived = Buffer.from(
      hkdfSync('sha256', KEY_A, 'zer08', 'zer08 signing-secret encryption aes-256-gcm v1', 32),
    );
    expect(new SecretBox(KEY_A).keyId).toBe(createHash('sha256').update(derived).digest('hex').slice(0, 8));
    expect(new SecretBox(KEY_A).keyId).not.toBe(new SecretBox(KEY_B).keyId);
  });

  it('refuses to open with the wrong key', () => {
    const sealed = new SecretBox(KEY_A).seal(SECRET);
    expect(() => new SecretBox(KEY_B).open(sealed)).toThrow(SecretBoxError);
    expect(() => new SecretBox(KEY_B).open(sealed)).toThrow(/neither SECRETS_ENCRYPTION_KEY/);
    // Even a value relabelled with the other key's id does not open: the tag does not match.
    const relabelled = sealed.replace(new SecretBox(KEY_A).keyId, new SecretBox(KEY_B).keyId);
    expect(() => new SecretBox(KEY_B).open(relabelled)).toThrow(/tampered or corrupt/);
  });

  it.each([
    ['ciphertext', 5],
    ['tag', 4],
    ['iv', 3],
  ])('refuses a tampered %s', (_name, index) => {
    const box = new SecretBox(KEY_A);
    expect(() => box.open(withField(box.seal(SECRET), index, flipFirstBit))).toThrow(/tampered or corrupt/);
  });

  it('refuses a truncated value', () => {
    const box = new SecretBox(KEY_A);
    expect(() => box.open(box.seal(SECRET).split(':').slice(0, 5).join(':'))).toThrow(/malformed/);
  });

  it('opens values sealed under a previous key, seals under the current one and says which need resealing', () => {
    const old = new SecretBox(KEY_A).seal(SECRET);
    const rotated = new SecretBox(KEY_B, [KEY_A]);
    expect(rotated.open(old)).toBe(SECRET);
    expect(rotated.needsReseal(old)).toBe(true);
    const resealed = rotated.seal(rotated.open(old));
    expect(resealed.split(':')[2]).toBe(new SecretBox(KEY_B).keyId);
    expect(rotated.needsReseal(resealed)).toBe(false);
    expect(() => new SecretBox(KEY_A).open(resealed)).toThrow(SecretBoxError);
  });

  it('passes legacy plaintext through unchanged and marks it for resealing', () => {
    const box = new SecretBox(KEY_A);
    expect(box.open('test-signing-secret')).toBe('test-signing-secret');
    expect(box.open(SECRET)).toBe(SECRET);
    expect(box.needsReseal(SECRET)).toBe(true);
  });

  it('derives the key from JWT_SECRET when SECRETS_ENCRYPTION_KEY is unset, and keeps JWT_SECRET as a decrypt-only key once it is set', () => {
    const fromJwt = SecretBox.fromEnvironment({ JWT_SECRET: JWT });
    expect(fromJwt.keyId).toBe(deriveKey(JWT).id);
    const sealedUnderJwt = fromJwt.seal(SECRET);

    const dedicated = SecretBox.fromEnvironment({ JWT_SECRET: JWT, SECRETS_ENCRYPTION_KEY: KEY_A });
    expect(dedicated.keyId).toBe(deriveKey(KEY_A).id);
    expect(dedicated.open(sealedUnderJwt)).toBe(SECRET);
    // Rotating JWT_SECRET no longer touches the encryption key.
    const afterJwtRotation = SecretBox.fromEnvironment({
      JWT_SECRET: 'another-jwt-secret-of-at-least-32-chars',
      SECRETS_ENCRYPTION_KEY: KEY_A,
    });
    expect(afterJwtRotation.open(dedicated.seal(SECRET))).toBe(SECRET);
    // Rotating JWT_SECRET without a dedicated key needs the old one among the previous keys.
    const rotatedJwt = { JWT_SECRET: 'another-jwt-secret-of-at-least-32-chars' };
    expect(() => SecretBox.fromEnvironment(rotatedJwt).open(sealedUnderJwt)).toThrow(SecretBoxError);
    expect(
      SecretBox.fromEnvironment({ ...rotatedJwt, SECRETS_ENCRYPTION_PREVIOUS_KEYS: ` ${KEY_B} , ${JWT} ` }).open(
        sealedUnderJwt,
      ),
    ).toBe(SECRET);
  });

  it('refuses to start without key material or with short keys', () => {
    expect(() => SecretBox.fromEnvironment({})).toThrow(/SECRETS_ENCRYPTION_KEY \(or JWT_SECRET\) is required/);
    expect(() => new SecretBox('short')).toThrow(/at least 32 characters/);
    expect(() => new SecretBox(KEY_A, ['short'])).toThrow(/at least 32 characters/);
    expect(parseKeyList(' a , ,b,')).toEqual(['a', 'b']);
  });

  it('validates SECRETS_ENCRYPTION_KEY and SECRETS_ENCRYPTION_PREVIOUS_KEYS at boot, naming them', () => {
    const env = validateEnvironment({
      SECRETS_ENCRYPTION_KEY: KEY_A,
      SECRETS_ENCRYPTION_PREVIOUS_KEYS: `${KEY_B}, ${JWT}`,
    });
    expect(env.SECRETS_ENCRYPTION_KEY).toBe(KEY_A);
    expect(parseKeyList(env.SECRETS_ENCRYPTION_PREVIOUS_KEYS)).toEqual([KEY_B, JWT]);
    expect(validateEnvironment({ SECRETS_ENCRYPTION_KEY: '' }).SECRETS_ENCRYPTION_KEY).toBeUndefined();
    expect(() => validateEnvironment({ SECRETS_ENCRYPTION_KEY: 'too-short' })).toThrow(EnvironmentError);
    expect(() => validateEnvironment({ SECRETS_ENCRYPTION_KEY: 'too-short' })).toThrow(/SECRETS_ENCRYPTION_KEY/);
    expect(() => validateEnvironment({ SECRETS_ENCRYPTION_PREVIOUS_KEYS: `${KEY_A},short` })).toThrow(
      /SECRETS_ENCRYPTION_PREVIOUS_KEYS/,
    );
  });
});
