/**
 * What every phase of the bench reports into (its rows and failed checks, one Report per run), the
 * statistics they share, and the writer of docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { FUNCTION_MEMORY_MB } from '../infra/bundling.js';
import { DEFAULT_FIRE_CONCURRENCY } from '../local/emulator/index.js';
import type { CostFacts } from './phases/cost.js';
import type { DispatchFacts } from './phases/dispatch.js';
import type { WebFacts } from './phases/web.js';
import { PRICES_READ_ON } from './prices.js';

/** What the entry passes each phase from its flags. */
export interface PhaseOptions {
  /** Scaled down: fewer samples, fewer interviews. */
  quick: boolean;
}

/** The rows of one run, printed as they come, and the correctness checks that failed. */
export class Report {
  readonly rows: string[][] = [];
  /** A failed check does not stop the run: it still prints everything, then exits 1. */
  readonly failures: string[] = [];

  row(section: string, measure: string, value: string, note = ''): void {
    this.rows.push([section, measure, value, note]);
    // Wide enough for the longest section, "cost (panel of 3)".
    console.log(`${section.padEnd(17)} ${measure.padEnd(46)} ${value.padStart(14)}  ${note}`);
  }

  check(ok: boolean, what: string): void {
    if (!ok) {
      this.failures.push(what);
      console.log(`CHECK FAILED: ${what}`);
    }
  }
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const markdownTable = (header: string[], body: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

/** The machine a run measured, as both documents (performance, reliability) name it. */
export function machineDescription(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** The commit measured, and whether the tree held changes beside it (a clean clone holds none). */
function measuredCommit(): { commit: string; treeState: string } {
  const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  return {
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    treeState: git('status', '--porcelain', '--untracked-files=no') ? 'with uncommitted changes' : 'clean',
  };
}

/** docs/performance.md from a full run (every phase, not quick). */
export async function writePerformanceDoc(
  file: string,
  run: { report: Report; started: Date; dispatch: DispatchFacts; cost: CostFacts; web: WebFacts },
): Promise<void> {
  const { report, started, dispatch, cost, web } = run;
  const { commit, treeState } = measuredCommit();
  const machine = machineDescription();
  await writeFile(
    file,
    `# Performance figures

From \`npm run bench\` on ${started.toISOString().slice(0, 10)}, at commit ${commit} (working tree ${treeState}), on
${machine}. Each figure stands
beside the baseline that bounds it, measured in the same run (the machine is shared and noisy, so
only the ratios are meant to carry over).

${markdownTable(['section', 'measure', 'value', 'ratio / target'], report.rows)}

- Cold start: esbuild with the stack's own options (infra/bundling.ts), started with
  \`--enable-source-maps\` as on Lambda; local Node ${process.version}, not Lambda's Node 24 on arm64.
  The baseline bundle only imports and constructs the function's SDK clients.
- Intake: through the local runtime (dynalite, the scheduler emulator), one request at a time,
  alternating with the raw I/O so both see the same machine. The raw I/O is the same requests
  intake makes, issued through the same adapters all at once: a copy of a stored interview under
  a new id, the five limit counters, the checkAt (with its index) on an interview of that size,
  the two schedules and the invoke. Intake makes them in two round trips (the item, the counters
  and the schedules together; then the checkAt and the confirmation's invoke), behind its HTTP
  layer and validation. The
  sender's runs (each intake's confirmation) are held until a pair is timed: on AWS the sender is
  another function, off intake's critical path, but here it would share this one process.
- Dispatch: ${dispatch.n.toLocaleString('en-US')} interviews created through \`POST /interviews\` (50 at a time, limits
  lifted), then the local clock jumps a minute past their common thank-you time. What limits the
  figure is the local machinery, not the service. The jump claims every due schedule at once and
  fires them in due-time order through the emulator's pool of ${DEFAULT_FIRE_CONCURRENCY} (the 500 ms tick only takes
  schedules no batch has claimed). The sender, dynalite and the SES stand-in share this one Node
  process and its one event loop, so the drain is bound by that process's CPU:
  ${dispatch.perSendMs.toFixed(1)} ms of drain per email here, each send being the claim, the SES call and the \`sent\` write.
  Within that time, the emulator commits each change to its LevelDB before it counts as done
  (only the keys that change, batched while a write is in flight): ${dispatch.writes} commits of ${dispatch.keys.toLocaleString('en-US')} keys
  (${dispatch.kib.toFixed(0)} KiB) while its database held ${dispatch.stateSchedules.toLocaleString('en-US')} schedules (${dispatch.stateMb.toFixed(1)} MB on disk) at the jump; building
  them took ${(dispatch.serializeShare * 100).toFixed(0)}% of the drain. The count is the point of
  this phase: exactly one thank-you per interview reached the SES stand-in and the table, nothing
  is left \`scheduled\` or \`sending\`, and the confirmations, sent at intake, are counted apart. On
  AWS the drain has other limits: Scheduler invokes the sender asynchronously and in parallel
  (default quota 1,000 invocations per second in us-east-1), Lambda runs many senders at once, and
  the account's SES sending rate (a per-account quota that starts low) becomes the limit; a send
  beyond it is throttled and retried by the sender's own schedule, so a minute with 10,000 due goes
  out over several minutes, each email once.
- Cost: ${cost.n} interviews through a whole lifecycle on the local runtime, one step at a time:
  submit (with a key stored by \`npm run api-key\`, so each request reads it, and an
  \`Idempotency-Key\`), the confirmation, the thank-you, one candidate in ten opening the cancel
  page and cancelling the follow-up (${cost.cancelled} here), the follow-up, and one SES delivery event per
  recipient run through the feedback function. Every count comes from the run: DynamoDB units from
  SDK middleware on every DynamoDB client of the service (bench/dynamo-meter.ts) that asks for
  \`ReturnConsumedCapacity\` on every request and sums what comes back, plus what dynalite does not
  report (a failed condition still costs the item's size, a token-hash change also writes the
  token index); schedule and async invocations from the
  emulator; Lambda invocations as HTTP requests, sender runs and feedback runs; SES recipients
  from the local mailbox (\`GET /_local/mail\`: To, Cc and Bcc each billed; the thank-you and
  follow-up carry the candidate's Bcc copy by default, a destination the SES stand-in cannot see,
  so the runtime keeps it beside each message). The "cost (panel of ${cost.panel.size})" rows run the same lifecycle
  again on a fresh runtime, ${cost.panel.n} interviews with ${cost.panel.size} interviewers each (${cost.panel.cancelled} cancelling every panelist's
  follow-up): each panelist gets a thank-you and a follow-up of their own (a reply in the
  thank-you's thread) with the candidate's copy, so the schedules, sender runs and SES recipients
  grow with the panel, and so do the write units (each write of the larger item costs more), while
  the submission, its confirmation and the cancel stay one request each; their total stands beside
  the single-interviewer one. What limits the figures: Lambda durations are handler times
  measured in this process, on this machine, with dynalite on loopback, billed per started
  millisecond at the stack's ${FUNCTION_MEMORY_MB} MB; on Lambda (arm64, a
  fraction of a vCPU at that size, DynamoDB and SES over the network) they can be several times
  longer, and cold starts' init time (phase 1) is not included. The Lambda line is mostly its
  request charge, so even ten times the durations moves it little (the row gives that figure).
  The SES events reach EventBridge's default bus as AWS service events and are not charged; one
  delivery event per recipient is assumed (the shape of the SES fixture), an upper bound if SES
  reports a message's recipients together. Prices are list prices before free tiers (Scheduler's
  14 million free invocations a month alone would cover this service's schedules). Storage,
  point-in-time recovery and logs are estimated in the last row and kept out of the total: storage
  from each item's size and its TTL time, logs from the functions' own lines plus Lambda's and the
  access log's fixed lines (about 70 bytes of prefix per line, 300 per invocation, 250 per request).

DynamoDB units per interview, by operation and item:

${markdownTable(['operation', 'requests', 'WRU', 'RRU'], cost.dynamoByOperation)}

Prices used (us-east-1, read ${PRICES_READ_ON}; the first source is AWS's own page):

${markdownTable(['item', 'price', 'sources'], cost.prices)}

${selfServeSection(web)}
`,
  );
}

/** The doc's section on the self-serve form (the bench's "web" phase; its rows are in the table). */
function selfServeSection(web: WebFacts): string {
  const bytes = (n: number) => n.toLocaleString('en-US');
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const { page, preview, server, targets } = web;
  return `## The self-serve form

Issue 18's targets: the form under 50 KB transferred (${bytes(targets.pageBytes)} bytes), the live
preview under ${targets.changeMs} ms per change.

- Weight: \`GET /\` sends ${bytes(page.bytes)} bytes of HTML, its one stylesheet and one script inline, and
  ${bytes(page.headers)} bytes of response headers as Chromium counts them. The local server and API Gateway's HTTP
  API send it uncompressed, so those bytes are what travels; gzip would make the document
  ${bytes(page.gzip)} bytes and brotli ${bytes(page.brotli)} (node:zlib's defaults), for reference. ${
    web.extraRequests === 0
      ? 'On load the page asks for\n  nothing but its first preview: no external assets.'
      : `On load it makes ${web.extraRequests} request(s)\n  besides its first preview (the target is none).`
  } Filled in, with its emails
  previewed, it has fetched ${bytes(page.bytes + web.fragmentBytes)} bytes: the document and one preview fragment of ${bytes(web.fragmentBytes)}.
- Live preview: in Chromium (headless, through playwright-core), the page loaded from the local
  runtime's own address (its POSTs are refused from another site), every required field filled
  and the emails shown, then ${web.changes} characters typed into the interviewer's note, one at a time,
  each after the last one's preview showed. Each change is timed in the page with
  \`performance.now()\`, from its keydown to the moment the preview's update counter goes up with
  the note as typed in the thank-you's text (the script posts the form on every \`input\`,
  one request at a time): median ${ms(preview.median)}, p95 ${ms(preview.p95)}, max ${ms(preview.max)}. The target is held
  to the p95 (every change is meant to be under it; the max is one stall of a shared machine).
  Of that, the script's own fetch-to-shown time has a median of ${ms(web.scriptMedian)}. The baseline is
  \`POST /preview\` alone: the page's last request (the filled form, the whole note) sent again
  ${web.changes} times from the bench process on loopback, median ${ms(server.median)}, p95 ${ms(server.p95)}.`;
}

/**
 * `--quick` and `--only a,b` of `npm run bench` and `npm run reliability`: which of `phases` run
 * (an unknown name stops the script), and whether small.
 */
export function phaseFlags<P extends string>(phases: readonly P[]) {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
  });
  let only: Set<P> | undefined;
  if (values.only !== undefined) {
    const names = values.only.split(',').map((s) => s.trim());
    const unknown = names.filter((n) => !phases.includes(n as P));
    if (unknown.length > 0) {
      console.error(`--only takes a comma-separated list of ${phases.join(', ')}; got "${values.only}"`);
      process.exit(2);
    }
    only = new Set(names as P[]);
  }
  return { quick: values.quick === true, only, runs: (phase: P) => only === undefined || only.has(phase) };
}
