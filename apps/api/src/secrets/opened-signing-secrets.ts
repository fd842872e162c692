import { Injectable } from '@nestjs/common';
import { BoundedCache } from '../common/bounded-cache';
import { SecretBox } from './secret-box';

/**
 * Signing secrets opened once per replica and kept in memory: AES-GCM per call would cost
 * more than the HMAC that needs the secret. The executor opens those of calls fired ahead
 * of their instant when it prepares their requests, so the calls find them ready.
 */
@Injectable()
export class OpenedSigningSecrets {
  private readonly opened = new BoundedCache<string>(100_000);

  constructor(private readonly box: SecretBox) {}

  /** The plaintext of a stored (sealed or legacy plaintext) secret; throws SecretBoxError. */
  open(stored: string): string {
    return this.opened.get(stored, (sealed) => this.box.open(sealed));
  }
}
