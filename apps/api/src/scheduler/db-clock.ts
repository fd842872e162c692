import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The database clock is the only clock due decisions use. This keeps the replica's offset
 * to it (NTP-style: the midpoint of a round trip), so timers computed locally still wake at
 * the right database instant when the local clock is off.
 */
@Injectable()
export class DbClock {
  private readonly logger = new Logger(DbClock.name);
  private offsetMs = 0;
  private errorMs = 3;

  constructor(private readonly dataSource: DataSource) {}

  /** Local time source; a seam for tests that simulate a skewed replica clock. */
  localNow: () => number = () => Date.now();

  now(): number {
    return this.localNow() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  /**
   * How far now() may be from the database clock: half the tightest round trip of the last
   * sync plus a millisecond for Date.now()'s resolution (3 ms until the first sync).
   */
  get uncertaintyMs(): number {
    return this.errorMs;
  }

  /** Samples a few round trips and adopts the offset of the tightest one; cheap enough to repeat every few seconds. */
  async sync(samples = 3): Promise<void> {
    let best: { roundTrip: number; offset: number } | null = null;
    for (let i = 0; i < samples; i++) {
      try {
        const sentAt = this.localNow();
        const rows: Array<{ db_ms: string }> = await this.dataSource.query(
          `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8::text AS db_ms`,
        );
        const receivedAt = this.localNow();
        const roundTrip = receivedAt - sentAt;
        // The server read its clock somewhere inside the round trip; the midpoint errs by at most half of it.
        if (best === null || roundTrip < best.roundTrip)
          best = { roundTrip, offset: Number(rows[0].db_ms) - (sentAt + roundTrip / 2) };
      } catch (error) {
        this.logger.debug(`clock sync failed: ${(error as Error).message}`);
        break;
      }
    }
    if (best !== null) {
      this.offsetMs = best.offset;
      this.errorMs = best.roundTrip / 2 + 1;
    }
  }
}
