/**
 * `npm run tzdata`: writes lambdas/core/tzdb.ts, the project's own copy of the IANA time-zone
 * database for a range of years: every zone's UTC offsets and abbreviations, and the table of
 * aliases. It is compiled from moment-timezone (a development dependency, pinned to an exact
 * version), whose API is used here, at generation time only; nothing of it runs in the service.
 *
 * Why our own copy rather than the runtime's Intl: Node carries the tz data of its ICU (2025c on
 * the development machines, something else on Lambda's runtime), so the same interview could get
 * different send times in different places, and a rule change such as British Columbia's
 * permanent UTC−7 (from 2026-11-01) would wait for a Node upgrade. With this table every clock the
 * service reads is the one the project pins, and updating it is a reviewed change.
 *
 * Run it again when moment-timezone is upgraded (a unit test compares the recorded data version
 * with the installed one) and before the last year runs short (another test looks ahead).
 *
 * Names. The canonical names are the ones zone.tab gives (one per country or region, e.g.
 * Europe/Oslo, Asia/Kolkata, Europe/Kyiv; moment-timezone's data/meta file), plus the names with
 * no country (Etc/GMT+5, EST5EDT…). Two decisions: the UTC group (Etc/UTC, UTC, Zulu, Universal…)
 * is named `UTC`, as people and EventBridge Scheduler write it, and the GMT group is `Etc/GMT`
 * (the tz database's own zone). Every other name is an alias of the canonical name with the same
 * data; where that data is shared by several countries' names, ALIAS_TARGETS says which one an
 * alias means (the country it belongs to, as the tz database's `backward` file notes it), and the
 * script stops when a new such alias has no entry, or an entry names a zone with other data.
 *
 * Encoding (decoded by lambdas/core/time.ts). Numbers are base 36.
 * - STATES: every "offset abbreviation" pair a zone shows in the range, as `<offset> <abbr>` with
 *   the offset in minutes east of UTC (base 36, signed: `-8c` is −300, New York in winter).
 * - TABLES: one string per distinct zone history (zones with the same offsets, abbreviations and
 *   change instants share one), space-separated tokens. The first token is the state in force at
 *   START, two base-36 digits (an index into STATES). Each further token is a change: the minutes
 *   since the previous change (since START for the first), then the two-digit state from then on.
 *   `0a 7a0g0b` is state 10 from START, then state 11 from START + 7a0g (341,656) minutes.
 * - ZONES: canonical name → index into TABLES. LINKS: alias → canonical name.
 * - START and END (epoch milliseconds) bound the instants the tables describe: from three days
 *   before FIRST_YEAR to three days after LAST_YEAR, so that every local date of those years, in
 *   any zone, has the offsets around it.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import moment from 'moment-timezone';

const FIRST_YEAR = 2020;
const LAST_YEAR = 2040;
const MARGIN_MS = 3 * 86_400_000;
const START = Date.UTC(FIRST_YEAR, 0, 1) - MARGIN_MS;
const END = Date.UTC(LAST_YEAR + 1, 0, 1) + MARGIN_MS;
const OUT = 'lambdas/core/tzdb.ts';
const PACKAGE = 'node_modules/moment-timezone';

/** Canonical names of the data groups that have no zone.tab name (see the comment at the top). */
const GROUP_NAMES: Readonly<Record<string, string>> = { 'Etc/UTC': 'UTC', 'Etc/GMT': 'Etc/GMT' };

/**
 * Aliases whose data several countries' names share: the name each one means. Facts from the tz
 * database's naming (the `backward` file), not offsets: the script checks that each alias and
 * its target have the same data.
 */
const ALIAS_TARGETS: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'Africa/Timbuktu': 'Africa/Bamako',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Montreal': 'America/Toronto',
  'America/Nipigon': 'America/Toronto',
  'America/Thunder_Bay': 'America/Toronto',
  'America/Virgin': 'America/St_Thomas',
  'Antarctica/South_Pole': 'Antarctica/McMurdo',
  'Asia/Rangoon': 'Asia/Yangon',
  'Atlantic/Jan_Mayen': 'Europe/Oslo',
  'Canada/Eastern': 'America/Toronto',
  CET: 'Europe/Brussels',
  EST: 'America/Panama',
  'Europe/Belfast': 'Europe/London',
  GB: 'Europe/London',
  'GB-Eire': 'Europe/London',
  Iceland: 'Atlantic/Reykjavik',
  MET: 'Europe/Brussels',
  MST: 'America/Phoenix',
  NZ: 'Pacific/Auckland',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Samoa': 'Pacific/Pago_Pago',
  'Pacific/Truk': 'Pacific/Chuuk',
  'Pacific/Yap': 'Pacific/Chuuk',
  Singapore: 'Asia/Singapore',
  'US/Arizona': 'America/Phoenix',
  'US/Samoa': 'Pacific/Pago_Pago',
};

interface Packed {
  version: string;
  zones: string[];
  links: string[];
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

/** Every name, grouped by shared data: moment-timezone's packed file lists one zone per group. */
function dataGroups(packed: Packed): string[][] {
  const groups = new Map<string, string[]>();
  for (const zone of packed.zones) {
    const name = zone.slice(0, zone.indexOf('|'));
    groups.set(name, [name]);
  }
  for (const link of packed.links) {
    const [target = '', alias = ''] = link.split('|');
    const group = groups.get(target);
    if (!group) throw new Error(`link ${link} to no zone`);
    group.push(alias);
  }
  return [...groups.values()];
}

/** Canonical name → the names that mean it, from the data groups and zone.tab. */
function naming(groups: string[][], zoneTab: Set<string>): { zones: string[]; links: Map<string, string> } {
  const zones: string[] = [];
  const links = new Map<string, string>();
  const usedTargets = new Set<string>();
  for (const group of groups) {
    let canonical = group.filter((n) => zoneTab.has(n));
    if (canonical.length === 0) {
      const named = group.map((n) => GROUP_NAMES[n]).find((n) => n !== undefined);
      if (named === undefined && group.length > 1)
        throw new Error(`no canonical name for ${group.join(', ')}: add one to GROUP_NAMES`);
      canonical = [named ?? (group[0] as string)];
    }
    zones.push(...canonical);
    for (const name of group) {
      if (canonical.includes(name)) continue;
      const target = canonical.length === 1 ? canonical[0] : ALIAS_TARGETS[name];
      if (canonical.length > 1) {
        if (target === undefined)
          throw new Error(`${name} could mean ${canonical.join(', ')}: add it to ALIAS_TARGETS`);
        if (!canonical.includes(target)) throw new Error(`${name} → ${target}: not the same data`);
        usedTargets.add(name);
      }
      links.set(name, target as string);
    }
  }
  const unused = Object.keys(ALIAS_TARGETS).filter((n) => !usedTargets.has(n));
  if (unused.length > 0) throw new Error(`ALIAS_TARGETS no longer needed for ${unused.join(', ')}`);
  return { zones: zones.sort(), links };
}

const base36 = (n: number) => n.toString(36);
const state2 = (i: number) => {
  if (i >= 36 * 36) throw new Error('more than 1296 states: widen the state index');
  return base36(i).padStart(2, '0');
};

/** One zone's history from START to END, encoded against the shared STATES list. */
function encodeZone(name: string, stateIndex: (s: string) => number): string {
  const zone = moment.tz.zone(name);
  if (!zone) throw new Error(`moment-timezone has no ${name}`);
  const stateAt = (i: number) => {
    const offset = -(zone.offsets[i] as number);
    if (!Number.isInteger(offset)) throw new Error(`${name}: offset ${offset} is not whole minutes`);
    return `${base36(offset)} ${zone.abbrs[i]}`;
  };
  let i = zone.untils.findIndex((until) => START < until);
  let current = stateAt(i);
  const tokens = [state2(stateIndex(current))];
  let previous = START;
  for (; (zone.untils[i] as number) < END; i++) {
    const at = zone.untils[i] as number;
    const next = stateAt(i + 1);
    if (next === current) continue; // a change of nothing the service reads (the DST flag alone)
    if (at % 60_000 !== 0) throw new Error(`${name}: a change at ${new Date(at).toISOString()}`);
    tokens.push(base36((at - previous) / 60_000) + state2(stateIndex(next)));
    previous = at;
    current = next;
  }
  return tokens.join(' ');
}

async function main() {
  const packed = await readJson<Packed>(`${PACKAGE}/data/packed/latest.json`);
  const meta = await readJson<{ zones: Record<string, unknown> }>(`${PACKAGE}/data/meta/latest.json`);
  const { version: packageVersion } = await readJson<{ version: string }>(`${PACKAGE}/package.json`);
  if (moment.tz.dataVersion !== packed.version)
    throw new Error(`moment-timezone loaded ${moment.tz.dataVersion}, its file says ${packed.version}`);

  const { zones, links } = naming(dataGroups(packed), new Set(Object.keys(meta.zones)));
  const all = [...zones, ...links.keys()];
  if (all.length !== moment.tz.names().length) throw new Error('names differ from moment.tz.names()');
  const lower = new Set(all.map((n) => n.toLowerCase()));
  if (lower.size !== all.length) throw new Error('two names differ only in case');

  const states: string[] = [];
  const stateIndex = (s: string) => {
    let i = states.indexOf(s);
    if (i < 0) i = states.push(s) - 1;
    return i;
  };
  const tables: string[] = [];
  const zoneTable = new Map<string, number>();
  for (const name of zones) {
    const table = encodeZone(name, stateIndex);
    let t = tables.indexOf(table);
    if (t < 0) t = tables.push(table) - 1;
    zoneTable.set(name, t);
  }

  const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : `'${k}'`);
  await writeFile(
    OUT,
    `// Generated by \`npm run tzdata\` (scripts/tzdata.ts) from moment-timezone ${packageVersion}: do not edit.
// IANA time-zone data ${packed.version}: every zone's UTC offsets and abbreviations for ${FIRST_YEAR}–${LAST_YEAR},
// and the aliases of each zone name; the encoding is described in the script.

export const TZ_DATA_VERSION = '${packed.version}';
export const MOMENT_TIMEZONE_VERSION = '${packageVersion}';
export const FIRST_YEAR = ${FIRST_YEAR};
export const LAST_YEAR = ${LAST_YEAR};
/** The tables describe the instants from START to END (epoch ms): the years with three days either side. */
export const START = ${START};
export const END = ${END};

export const STATES: readonly string[] = [${states.map((s) => `'${s}'`).join(', ')}];

export const TABLES: readonly string[] = [
${tables.map((t) => `  '${t}',`).join('\n')}
];

export const ZONES: Readonly<Record<string, number>> = {
${zones.map((z) => `  ${key(z)}: ${zoneTable.get(z)},`).join('\n')}
};

export const LINKS: Readonly<Record<string, string>> = {
${[...links.entries()]
  .sort(([a], [b]) => (a < b ? -1 : 1))
  .map(([alias, target]) => `  ${key(alias)}: '${target}',`)
  .join('\n')}
};
`,
  );
  // Laid out as the rest of the code, so a fresh table passes `npm run lint`.
  const format = spawnSync('npx', ['biome', 'format', '--write', OUT], { stdio: 'inherit' });
  if (format.status !== 0) throw new Error('biome format failed');
  const size = (await readFile(OUT)).length;
  console.log(
    `${OUT}: ${zones.length} zones (${tables.length} distinct tables, ${states.length} states), ` +
      `${links.size} aliases, ${FIRST_YEAR}–${LAST_YEAR}, tz ${packed.version}, ${(size / 1024).toFixed(1)} KiB`,
  );
}

await main();
