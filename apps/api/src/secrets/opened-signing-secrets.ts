import { Injectable } from '@nestjs/common';
import { BoundedCache } from '../common/bounded-cache';
import { SecretBox } from './secret-box';

/**
 * Signing secrets opened once per replica and kept in memory: AES-GCM per call would cost
 * more than the HMAC that needs the secret. The leader opens those of the executions it
 * keeps for its own workers while firing (ahead of the instant for a burst), so the calls
 * find them ready.
 */
@Injectable()
export class OpenedSigningSecrets {
  private readonly opened = new BoundedCache<string>(100_000);

  constructor(private readonly box: SecretBox) {}

  /** The plaintext of a stored (sealed or legacy plaintext) secret; throws SecretBoxError. */
  open(stored: string): string {
    return this.opened.get(stored, (sealed) => this.box.open(sealed));
  }

  /** Opens now what a call will need soon; a secret that cannot be opened fails that call instead. */
  prepare(stored: string): void {
    try {
      this.open(stored);
    } catch {
      /* reported by the call that needs it */
    }
  }
}
