/**
 * `npm run reliability`: the big versions of the fault, fuzz, load and crash tests, against the
 * local runtime, printed as a table and written to docs/reliability.md. Not part of `npm test`.
 *
 * The phases, in order, each a module of scripts/reliability/ that reports into one Report
 * (scripts/reliability/report.ts):
 * 1. redos: the review's worst-case placeholder input through the first and today's pattern;
 * 2. faults: interviews through injected SES, DynamoDB and scheduler faults, with edits, cancels
 *    and restores mixed in, each email owed once (a cancelled one never);
 * 3. fuzz: hostile bodies and tokens against intake, preview and the cancel page;
 * 4. load: 50 clients submitting for a while, every 201 stored and scheduled;
 * 5. crash: kill -9 while the thank-yous go out, none sent twice;
 * 6. answered: kill -9 just after each 201, none lost;
 * 7. sweep: schedules deleted behind the service's back, their emails sent by the sweep;
 * 8. late: three days down, what fell due sent or skipped by the late-send policy.
 *
 * Flags: `-- --quick` runs every phase small (a smoke test of the script itself) and writes
 * nothing; `-- --only crash,late` runs only the named phases and writes nothing either.
 */

import { phaseFlags } from '../bench/report.js';
import { answered } from './reliability/answered.js';
import { crash } from './reliability/crash.js';
import { faults } from './reliability/faults.js';
import { fuzz } from './reliability/fuzz.js';
import { late } from './reliability/late.js';
import { load } from './reliability/load.js';
import { redos } from './reliability/redos.js';
import { Report, writeReliabilityDoc } from './reliability/report.js';
import { sweep } from './reliability/sweep.js';

const PHASES = ['redos', 'faults', 'fuzz', 'load', 'crash', 'answered', 'sweep', 'late'] as const;
const { quick: QUICK, only, runs } = phaseFlags(PHASES);
const SIZE = {
  redosSpaces: QUICK ? 1000 : 4990,
  faultInterviews: QUICK ? 20 : 200,
  fuzzCases: QUICK ? 100 : 1000,
  loadClients: 50,
  loadSeconds: QUICK ? 5 : 30,
  crashInterviews: QUICK ? 20 : 100,
  /** How long after the thank-yous fall due the kill comes. */
  crashKillAfterMs: QUICK ? 100 : 300,
  answeredKills: QUICK ? 10 : 200,
  sweepInterviews: QUICK ? 10 : 100,
  lateInterviews: QUICK ? 10 : 60,
};

const report = new Report();
const started = new Date();
console.log(
  `reliability run${QUICK ? ' (quick)' : ''}${only ? ` (only ${[...only].join(', ')})` : ''}, ${started.toISOString()}`,
);
if (runs('redos')) redos(report, { spaces: SIZE.redosSpaces });
const faultsFacts = runs('faults') ? await faults(report, { interviews: SIZE.faultInterviews }) : undefined;
if (runs('fuzz')) await fuzz(report, { cases: SIZE.fuzzCases });
if (runs('load')) await load(report, { clients: SIZE.loadClients, seconds: SIZE.loadSeconds });
if (runs('crash'))
  await crash(report, { interviews: SIZE.crashInterviews, killAfterMs: SIZE.crashKillAfterMs });
const answeredFacts = runs('answered') ? await answered(report, { kills: SIZE.answeredKills }) : undefined;
const sweepFacts = runs('sweep') ? await sweep(report, { interviews: SIZE.sweepInterviews }) : undefined;
const lateFacts = runs('late') ? await late(report, { interviews: SIZE.lateInterviews }) : undefined;

if (!QUICK && only === undefined && faultsFacts && answeredFacts && sweepFacts && lateFacts) {
  await writeReliabilityDoc('docs/reliability.md', {
    report,
    started,
    faults: faultsFacts,
    answered: answeredFacts,
    sweep: sweepFacts,
    late: lateFacts,
  });
  console.log('\nwritten to docs/reliability.md');
}
