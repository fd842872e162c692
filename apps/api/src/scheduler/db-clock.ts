import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SCHEDULER_CONFIG, SchedulerConfig } from './scheduler.config';

/**
 * The database clock is the only clock due decisions use. This keeps the replica's offset
 * to it (NTP-style: the midpoint of a round trip), so timers computed locally still wake at
 * the right database instant when the local clock is off.
 */
@Injectable()
export class DbClock {
  private readonly logger = new Logger(DbClock.name);
  private offsetMs = 0;
  private bestRoundTripMs = Number.POSITIVE_INFINITY;
  private measuredAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
  ) {}

  /** Local time source; a seam for tests that simulate a skewed replica clock. */
  localNow: () => number = () => Date.now();

  now(): number {
    return this.localNow() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Samples a few round trips and keeps the tightest; cheap enough to repeat every few seconds. */
  async sync(samples = 3): Promise<void> {
    if (this.localNow() - this.measuredAt > this.config.clockSyncMs * 4) this.bestRoundTripMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < samples; i++) {
      try {
        const sentAt = this.localNow();
        const rows: Array<{ db_ms: string }> = await this.dataSource.query(
          `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8::text AS db_ms`,
        );
        const receivedAt = this.localNow();
        const roundTrip = receivedAt - sentAt;
        // A slow round trip says little about the offset; keep the best recent sample.
        if (roundTrip <= this.bestRoundTripMs * 1.5 || this.measuredAt === 0) {
          this.offsetMs = Number(rows[0].db_ms) - (sentAt + roundTrip / 2);
          this.bestRoundTripMs = Math.min(this.bestRoundTripMs, roundTrip);
          this.measuredAt = receivedAt;
        }
      } catch (error) {
        this.logger.debug(`clock sync failed: ${(error as Error).message}`);
        return;
      }
    }
  }
}
