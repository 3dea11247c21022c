/**
 * The compiled Windows zone names (lambdas/core/windows-zones.ts, `npm run windows-zones`) against
 * the installed windows-iana, name by name, and the invite's `TZID` reading through them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findIana, WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { zoneOfTzid } from '../../lambdas/core/invite.js';
import { WINDOWS_IANA_VERSION, WINDOWS_ZONES } from '../../lambdas/core/windows-zones.js';

describe('the Windows zone table', () => {
  it('is compiled from the installed windows-iana (run npm run windows-zones after an upgrade)', () => {
    const installed = JSON.parse(
      readFileSync(new URL('../../node_modules/windows-iana/package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(WINDOWS_IANA_VERSION).toBe(installed.version);
    const names = [...new Set(WINDOWS_TO_IANA_MAP.map((e) => e.windowsName as string))];
    expect(Object.keys(WINDOWS_ZONES)).toHaveLength(names.length);
    for (const name of names) expect(WINDOWS_ZONES[name.toLowerCase()], name).toBe(findIana(name)[0]);
  });

  it('reads a Windows TZID in any case, and nothing that is not one', () => {
    expect(zoneOfTzid('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(zoneOfTzid('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(zoneOfTzid('"eastern standard time"')).toBe('America/New_York');
    for (const odd of ['Pacific Time', 'constructor', '__proto__', 'toString'])
      expect(zoneOfTzid(odd), odd).toBeUndefined();
  });
});
