/** Wiring shared by the Lambda handlers and the local runtime (no Powertools here). */
import type { Logger } from '../core/ports.js';
import { setRuntimeDisagreementReporter } from '../core/time.js';

/**
 * Where the runtime's own tz data (Intl) disagrees with the project's about a zone in use, the
 * project's wins (time.ts) and this says so, once per zone per process.
 */
export function reportTimeZoneDisagreements(log: Logger): void {
  setRuntimeDisagreementReporter((d) =>
    log('warn', "the runtime's time-zone data disagrees with the project's; the project's is used", { ...d }),
  );
}
