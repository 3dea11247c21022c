import type { Clock } from '../lambdas/core/clock.js';

/**
 * The local runtime's clock: real time shifted by an offset. Setting it moves "now" to the
 * given instant (backwards too); from there it runs on at real speed.
 */
export class LocalClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  set(instant: Date): void {
    this.offsetMs = instant.getTime() - Date.now();
  }
}
