import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A clock offset estimate: the database clock minus the local one, and how far off it may be. */
export interface ClockEstimate {
  offsetMs: number;
  errorMs: number;
  /** Local time the estimate was sampled. */
  sampledAtMs: number;
}

/** How fast an estimate's error bound grows with its age: 50 ppm, well above a sane clock's drift. */
export const CLOCK_DRIFT_MS_PER_S = 0.05;

/**
 * The estimate to use after a new sample: the sample, unless the current estimate, its
 * bound widened by the drift since it was taken, is still tighter and agrees with it. A
 * sync made while the machine is busy (a burst, start-up) has slow round trips and so a
 * wide bound; adopting it would hold every call that much longer. Two estimates whose
 * ranges do not overlap mean the local clock was stepped: the sample wins.
 */
export function betterEstimate(current: ClockEstimate | null, sample: ClockEstimate, nowMs: number): ClockEstimate {
  if (current === null) return sample;
  const agedErrorMs = current.errorMs + (CLOCK_DRIFT_MS_PER_S * Math.max(0, nowMs - current.sampledAtMs)) / 1000;
  const agree = Math.abs(sample.offsetMs - current.offsetMs) <= agedErrorMs + sample.errorMs;
  if (sample.errorMs <= agedErrorMs || !agree) return sample;
  return { ...current, errorMs: agedErrorMs, sampledAtMs: nowMs };
}

/**
 * The database clock is the only clock due decisions use. This keeps the replica's offset
 * to it (NTP-style: the midpoint of a round trip), so timers computed locally still wake at
 * the right database instant when the local clock is off.
 */
@Injectable()
export class DbClock {
  private readonly logger = new Logger(DbClock.name);
  private estimate: ClockEstimate | null = null;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Local time source, in ms since the epoch at microsecond resolution: the monotonic clock
   * from the process's start (a step of the wall clock between syncs does not move it; its
   * rate is the wall clock's, slewed alike). `Date.now()`'s whole milliseconds would add up
   * to 1 ms to every error bound, and so to every held call's wait. A seam for tests that
   * simulate a skewed replica clock.
   */
  localNow: () => number = () => performance.timeOrigin + performance.now();

  now(): number {
    return this.localNow() + this.offset;
  }

  get offset(): number {
    return this.estimate?.offsetMs ?? 0;
  }

  /**
   * How far now() may be from the database clock: half the tightest round trip of the best
   * sync so far, widened by 50 ppm of drift per second since (3 ms until the first sync).
   */
  get uncertaintyMs(): number {
    return this.estimate?.errorMs ?? 3;
  }

  /** Samples a few round trips and keeps the offset of the tightest one if it beats the current estimate. */
  async sync(samples = 3): Promise<void> {
    let best: ClockEstimate | null = null;
    for (let i = 0; i < samples; i++) {
      try {
        const sentAt = this.localNow();
        const rows: Array<{ db_ms: string }> = await this.dataSource.query(
          `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8::text AS db_ms`,
        );
        const receivedAt = this.localNow();
        const roundTrip = receivedAt - sentAt;
        // The server read its clock somewhere inside the round trip; the midpoint errs by at most half of it.
        if (best === null || roundTrip / 2 < best.errorMs)
          best = {
            offsetMs: Number(rows[0].db_ms) - (sentAt + roundTrip / 2),
            errorMs: roundTrip / 2,
            sampledAtMs: receivedAt,
          };
      } catch (error) {
        this.logger.debug(`clock sync failed: ${(error as Error).message}`);
        break;
      }
    }
    if (best !== null) this.estimate = betterEstimate(this.estimate, best, this.localNow());
  }
}
