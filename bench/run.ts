/**
 * `npm run bench`: performance figures measured beside their baselines in one run, printed as a
 * table and written to docs/performance.md. Not part of `npm test`; no test asserts timings.
 *
 * The phases, each a module of bench/phases/ that reports into one Report (bench/report.ts):
 * 1. cold: each function's bundle size and import time beside an SDK-only baseline;
 * 2. intake: POST /interviews beside the raw I/O it must do, then throughput at 50 clients;
 * 3. dispatch: 10,000 thank-yous due in one minute, the drain timed and its count checked exactly;
 * 4. cost: a full lifecycle, every billable unit counted (DynamoDB through bench/dynamo-meter.ts)
 *    and priced per 1,000 interviews (bench/prices.ts);
 * 5. web: the self-serve form's page weight, and its live preview per change in Chromium beside
 *    `POST /preview` alone.
 *
 * Flags: `--quick` scales everything down (and writes no docs); `--only dispatch,cost` runs only
 * the named phases (cold, intake, dispatch, cost, web) and writes no docs either.
 */
import { coldStart } from './phases/cold.js';
import { cost } from './phases/cost.js';
import { dispatch } from './phases/dispatch.js';
import { intakeOverhead } from './phases/intake.js';
import { web } from './phases/web.js';
import { phaseFlags, Report, writePerformanceDoc } from './report.js';

const PHASES = ['cold', 'intake', 'dispatch', 'cost', 'web'] as const;
const { quick, only, runs } = phaseFlags(PHASES);
const options = { quick };
const report = new Report();
const started = new Date();
console.log(
  `bench${options.quick ? ' (quick)' : ''}${only ? ` (only ${[...only].join(', ')})` : ''}, ${started.toISOString()}`,
);
if (runs('cold')) await coldStart(report, options);
if (runs('intake')) await intakeOverhead(report, options);
const dispatchFacts = runs('dispatch') ? await dispatch(report, options) : undefined;
const costFacts = runs('cost') ? await cost(report, options) : undefined;
const webFacts = runs('web') ? await web(report, options) : undefined;
if (!options.quick && dispatchFacts && costFacts && webFacts && only === undefined) {
  await writePerformanceDoc('docs/performance.md', {
    report,
    started,
    dispatch: dispatchFacts,
    cost: costFacts,
    web: webFacts,
  });
  console.log('\nwritten to docs/performance.md');
}
if (report.failures.length > 0) {
  console.log(`\n${report.failures.length} check(s) failed:\n- ${report.failures.join('\n- ')}`);
  process.exitCode = 1;
}
