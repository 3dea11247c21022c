/**
 * The runtime's opinion of the time zones, for the logs only: where its Intl (its ICU tz data)
 * disagrees with the project's data (time.ts), the service says so once per zone. The project's
 * answer is always the one used; nothing here changes a result.
 */
import { TZ_DATA_VERSION } from './tzdb.js';

const MINUTE_MS = 60_000;

/** The project's data and the runtime's Intl disagree about a zone's offset at an instant. */
export interface RuntimeDisagreement {
  /** The canonical zone name. */
  zone: string;
  /** The instant, ISO 8601 in UTC. */
  at: string;
  /** What the service uses: minutes east of UTC. */
  projectOffsetMinutes: number;
  /** What the runtime's Intl (its ICU tz data) says. */
  runtimeOffsetMinutes: number;
  /** The project's IANA release, e.g. 2026f. */
  dataVersion: string;
}

/** A zone's offset at an instant according to the runtime, or undefined if it does not know the zone. */
export type RuntimeOffset = (zone: string, instant: number) => number | undefined;

let reporter: ((d: RuntimeDisagreement) => void) | undefined;
let runtimeOffset: RuntimeOffset = intlOffsetMinutes;
/** Zones already reported (or that the runtime does not know): not compared again. */
const settled = new Set<string>();

/**
 * Has the service told (once per zone per process) where the runtime's Intl disagrees with the
 * project's data about a zone it uses: every offset the project looks up for a zone is compared
 * with Intl's at that instant, until the first disagreement for that zone is reported. The
 * project's answer is the one used, always; a zone Intl does not know is not compared. Setting a
 * reporter (or `undefined`, to stop) starts afresh. `runtime` replaces Intl (tests).
 */
export function setRuntimeDisagreementReporter(
  report: ((d: RuntimeDisagreement) => void) | undefined,
  runtime: RuntimeOffset = intlOffsetMinutes,
): void {
  reporter = report;
  runtimeOffset = runtime;
  settled.clear();
}

/** Compares the project's offset of `zone` at `instant` with the runtime's, while a reporter is set. */
export function watchOffset(zone: string, instant: number, projectOffsetMinutes: number): void {
  if (!reporter || settled.has(zone) || !Number.isFinite(instant)) return;
  let runtimeOffsetMinutes: number | undefined;
  try {
    runtimeOffsetMinutes = runtimeOffset(zone, instant);
  } catch {
    runtimeOffsetMinutes = undefined;
  }
  if (runtimeOffsetMinutes === undefined) {
    settled.add(zone);
    return;
  }
  if (runtimeOffsetMinutes === projectOffsetMinutes) return;
  settled.add(zone);
  const disagreement: RuntimeDisagreement = {
    zone: zone,
    at: new Date(instant).toISOString(),
    projectOffsetMinutes,
    runtimeOffsetMinutes,
    dataVersion: TZ_DATA_VERSION,
  };
  try {
    reporter?.(disagreement);
  } catch {
    // A failing reporter must not fail the computation it watches.
  }
}

/** One Intl formatter per zone (they are costly to build); null when Intl does not know the zone. */
const intlFormatters = new Map<string, Intl.DateTimeFormat | null>();

/** The runtime's offset for `zone` at `instant`, from Intl (its ICU data): minutes east of UTC. */
function intlOffsetMinutes(zone: string, instant: number): number | undefined {
  let formatter = intlFormatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      formatter = null;
    }
    intlFormatters.set(zone, formatter);
  }
  if (formatter === null) return undefined;
  const p: Record<string, number> = {};
  for (const part of formatter.formatToParts(instant))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const local = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return Math.round((local - Math.floor(instant / 1000) * 1000) / MINUTE_MS);
}
