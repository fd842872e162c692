import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';

/** Marks a value sealed by SecretBox; anything else is a legacy plaintext secret. */
export const SEALED_PREFIX = 'enc:v1:';

/**
 * HKDF parameters. The same derivation applies to SECRETS_ENCRYPTION_KEY, to JWT_SECRET when
 * that stands in for it, and to every SECRETS_ENCRYPTION_PREVIOUS_KEYS entry, so setting
 * SECRETS_ENCRYPTION_KEY to the current JWT_SECRET keeps the very same key. The info string
 * separates this key from any other use of the same input (JWT signing uses JWT_SECRET raw).
 */
const HKDF_SALT = 'zer08';
const HKDF_INFO = 'zer08 signing-secret encryption aes-256-gcm v1';
const MIN_KEY_LENGTH = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

interface DerivedKey {
  id: string;
  key: Buffer;
}

export function deriveKey(material: string): DerivedKey {
  if (material.length < MIN_KEY_LENGTH)
    throw new SecretBoxError(`an encryption key must be at least ${MIN_KEY_LENGTH} characters long`);
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(material, 'utf8'), HKDF_SALT, HKDF_INFO, 32));
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

/** Splits SECRETS_ENCRYPTION_PREVIOUS_KEYS: comma-separated, surrounding blanks ignored. */
export function parseKeyList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * Encrypts job signing secrets at rest (AES-256-GCM) so a database dump alone cannot forge
 * delivery signatures. Stored form: `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url),
 * the `enc:v1:<keyId>` head authenticated as associated data. Values without the prefix are
 * legacy plaintext and pass through open() unchanged. See docs/scheduler.md.
 */
@Injectable()
export class SecretBox {
  private readonly current: DerivedKey;
  /** Per key id: the key, and the sealed-value head it authenticates (kept: opened once per call). */
  private readonly keys = new Map<string, { key: Buffer; head: Buffer }>();

  constructor(currentKey: string, previousKeys: string[] = []) {
    this.current = deriveKey(currentKey);
    for (const derived of [this.current, ...previousKeys.map(deriveKey)]) {
      if (!this.keys.has(derived.id))
        this.keys.set(derived.id, { key: derived.key, head: Buffer.from(`${SEALED_PREFIX}${derived.id}`, 'utf8') });
    }
  }

  /**
   * The key is SECRETS_ENCRYPTION_KEY, or else one derived from JWT_SECRET. When both are
   * set, JWT_SECRET still decrypts (never encrypts), so introducing SECRETS_ENCRYPTION_KEY
   * needs no other step: rows sealed under the JWT-derived key are resealed at the next start.
   */
  static fromEnvironment(
    env: Pick<Environment, 'SECRETS_ENCRYPTION_KEY' | 'SECRETS_ENCRYPTION_PREVIOUS_KEYS' | 'JWT_SECRET'>,
  ): SecretBox {
    const current = env.SECRETS_ENCRYPTION_KEY ?? env.JWT_SECRET;
    if (!current)
      throw new SecretBoxError('SECRETS_ENCRYPTION_KEY (or JWT_SECRET) is required to encrypt signing secrets');
    const previous = parseKeyList(env.SECRETS_ENCRYPTION_PREVIOUS_KEYS);
    if (env.SECRETS_ENCRYPTION_KEY && env.JWT_SECRET) previous.push(env.JWT_SECRET);
    return new SecretBox(current, previous);
  }

  static fromConfig(config: ConfigService<Environment, true>): SecretBox {
    return SecretBox.fromEnvironment({
      SECRETS_ENCRYPTION_KEY: config.get('SECRETS_ENCRYPTION_KEY', { infer: true }),
      SECRETS_ENCRYPTION_PREVIOUS_KEYS: config.get('SECRETS_ENCRYPTION_PREVIOUS_KEYS', { infer: true }),
      JWT_SECRET: config.get('JWT_SECRET', { infer: true }),
    });
  }

  /** First 8 hex digits of sha256(derived current key); names the key in every sealed value. */
  get keyId(): string {
    return this.current.id;
  }

  seal(plaintext: string): string {
    const head = `${SEALED_PREFIX}${this.current.id}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(head, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${head}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ciphertext.toString('base64url')}`;
  }

  /** The plaintext of a sealed value; a legacy plaintext value is returned as it is. */
  open(stored: string): string {
    if (!isSealed(stored)) return stored;
    const parts = stored.split(':');
    if (parts.length !== 6) throw new SecretBoxError('stored signing secret is malformed');
    const [, , keyId, iv, tag, ciphertext] = parts;
    const key = this.keys.get(keyId);
    if (!key) {
      throw new SecretBoxError(
        `stored signing secret is encrypted with key ${keyId}, which is neither SECRETS_ENCRYPTION_KEY (${this.current.id}) nor one of SECRETS_ENCRYPTION_PREVIOUS_KEYS`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(key.head);
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return decipher.update(ciphertext, 'base64url', 'utf8') + decipher.final('utf8');
    } catch {
      throw new SecretBoxError(`stored signing secret does not decrypt with key ${keyId} (tampered or corrupt)`);
    }
  }

  /** True for legacy plaintext and for values sealed under a previous key. */
  needsReseal(stored: string): boolean {
    return !stored.startsWith(`${SEALED_PREFIX}${this.current.id}:`);
  }
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}
