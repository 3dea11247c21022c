/**
 * What every phase of `npm run reliability` reports into (its rows, one Report per run), and the
 * writer of docs/reliability.md. Its rows carry a target where bench/report.ts's carry a ratio, and
 * nothing here fails the run, so it has a Report of its own.
 */
import { writeFile } from 'node:fs/promises';
import { machineDescription } from '../../bench/report.js';
import { OVERDUE_MS, SWEEP_PERIOD_MINUTES } from '../../lambdas/core/reconcile.js';
import type { AnsweredFacts } from './answered.js';
import type { FaultsFacts } from './faults.js';
import type { LateFacts } from './late.js';
import type { SweepFacts } from './sweep.js';

/** The rows of one run, printed as they come. */
export class Report {
  readonly rows: string[][] = [];

  row(phase: string, measure: string, value: string | number, target = ''): void {
    this.rows.push([phase, measure, String(value), target]);
    console.log(`${phase.padEnd(8)} ${measure.padEnd(44)} ${String(value).padStart(12)}  ${target}`);
  }
}

/** What the document says of each phase beside its rows, from that phase's facts. */
function notes(run: { faults: FaultsFacts; answered: AnsweredFacts; sweep: SweepFacts; late: LateFacts }) {
  const { faults, answered, sweep, late } = run;
  return [
    `Faults: LOCAL_FAULTS="${faults.spec}", seed ${faults.seed}; the clock walked forward an hour at a time for five days so retries came due. One interview in ${faults.panelEvery} had a panel (of 2 and of 3 in turn, each panelist at an address of their own): the interview must get one confirmation and each panelist exactly one thank-you and one follow-up; a follow-up counts whether it answers in its thank-you's thread ("Re: Thank you for …") or starts its own ("Following up on …"). Mixed into that traffic by interview index (scripts/reliability/faults-traffic.ts): one interview in ${faults.editEvery}, panels among them, edited by \`PATCH /interviews/{id}\` over what its \`GET\` shows, in turn ${faults.editKinds.join(', ')}: a rename of the first two interviewers, \`thankYouDelayHours\` 3 → 5, or an away date that moves the first interviewer's follow-up a day; "early" two hours ahead (the away date of name-then-away two days ahead), "race" during the hour the email falls due: that step walks to a second before the hour, then moves the last second while the racing edits start, spread over about the time its sends take, so they land before the send, during it (409 already_sending, which the client takes as "the old version went") or after it. The client retries a 503. One interview in ${faults.restoreEvery} has its follow-up cancelled through the link (the panel's, or one panelist's), then restored through the API or the link two days ahead, an hour ahead or racing its time (a 409 nothing_restorable leaves it cancelled); one in ${faults.cancelEvery} of the others has it cancelled for good. What each address was owed follows from the answers: the confirmation, each thank-you and each follow-up exactly once, except a follow-up the link cancelled and no restore brought back, owed never ("sent after a cancel"). After a rename an email must greet the new name when the rename answered 200 and its \`edited\` entry precedes that email's \`sent\` in the history (or no \`sent\` is recorded: an email caught \`sending\` cannot be renamed), the old name otherwise. Every sent email's \`sentAt\` must be no more than 2 minutes before its \`sendAt\`. The "Updated:" notice to the candidate is counted apart: each interview has at most one edit that can move an email, so one notice is owed when that edit answered 200 having moved one (a \`rescheduled\` entry by the api), none otherwise. As before, an email whose SES answer was lost (ses.timeout) stays \`sending\` and is never sent again, but its message reached the mailbox, so it counts as received once.`,
    `Answered: ${answered.cycles} times the runtime (a child process; the SES stand-in in the script's process) starts on one data folder, answers one interview (201) and is killed with SIGKILL 0–50 ms later (seeded); then it starts once more, the clock is set just after each send time so every schedule fires on time, and each 201 is checked: record, both schedules, and its confirmation, thank-you and follow-up sent exactly once. An email a kill caught between its claim and the record of its send stays \`sending\` by design (read from the table for the confirmation, which the API does not show) and is counted apart.`,
    `Sweep: ${sweep.interviews} interviews with one end time; every thank-you's schedule and every other follow-up's deleted through the Scheduler API behind the service's back; the clock then moves from each send time one sweep period (${SWEEP_PERIOD_MINUTES} minutes) at a time, plus a second. Each move walks through the sweeps on the way (the runtime sweeps every ${SWEEP_PERIOD_MINUTES} minutes of its clock, and an email is overdue ${OVERDUE_MS / 60_000} minutes after its time), so the sweep sends each at about its time + ${OVERDUE_MS / 60_000} minutes. "Within n periods" compares \`sentAt\` with the time planned, with a minute of slack for the clock running on at real speed between steps. "Sent by the sweep" counts those sent once, ${OVERDUE_MS / 60_000} minutes or more after their time (no schedule fired them). The "answered before" row counts emails sent before a step's clock that were not yet in the mailbox when that step's \`POST /_local/clock\` answered.`,
    `Late: ${late.interviews} interviews in ${late.zones.join(', ')}, ending every ${late.stepMinutes} minutes from a day before their submission to half a day after the restart; the runtime is stopped, started again on its folder with the clock three days after the submissions, so everything due meanwhile fires late at once; then the clock walks a week in 30-minute steps (and to each pending schedule's time). Quiet hours are read on \`sentAt\` in the interview's zone (\`wallClock\`); "on time" is within two minutes of the 201's \`sendAt\`; "> 24 h" allows a minute for the send itself (a thank-you may be moved to exactly 24 h after its plan).`,
  ];
}

/** docs/reliability.md from a full run (every phase, not quick). */
export async function writeReliabilityDoc(
  file: string,
  run: {
    report: Report;
    started: Date;
    faults: FaultsFacts;
    answered: AnsweredFacts;
    sweep: SweepFacts;
    late: LateFacts;
  },
): Promise<void> {
  const { report, started } = run;
  const machine = machineDescription();
  const table = [
    '| phase | measure | value | target |',
    '| --- | --- | --- | --- |',
    ...report.rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  await writeFile(
    file,
    `# Reliability figures

From \`npm run reliability\` on ${started.toISOString().slice(0, 10)}, on ${machine}, against the local
runtime (dynalite, aws-ses-v2-local, the scheduler emulator; the same adapters as on AWS).

${table.join('\n')}

${notes(run)
  .map((n) => `- ${n}`)
  .join('\n')}
- Redos: the security review's worst-case input (a custom body of "{{" and 4,990 spaces) matched in
  this process by the first version's placeholder pattern and by today's.
- Fuzz: first each attack of the security review (\`ATTACKS\` in test/support/hostile.ts: the
  placeholder worst case, bidi and zero-width characters, a BOM, encoded words, a mailbox as a name,
  oversize after expansion, lone surrogates, a stranger's link or address), each of which must be a
  400; then fast-check samples of hostile bodies (those attacks in any field, a field made hostile,
  polluting keys, any JSON, binary and unicode text, deep nesting) with random content types, and
  hostile tokens, against \`POST /interviews\`, \`POST /interviews/preview\`, \`GET\` and
  \`POST /cancel/{token}\`. "Longest request" is from sending to the last byte of the answer, on the
  same two cores as the runtime.
- Load: in-process clients on the same two cores as the runtime, so latencies include the load
  generator's own work; each request creates a real interview (DynamoDB write, two schedules, an
  asynchronous confirmation).
- Crash: the runtime runs as a child process and is killed with SIGKILL while the due thank-yous go
  out one after another; the SES stand-in runs outside it so the mailbox survives. An email caught
  between its claim and the record of its send stays \`sending\` and is never sent again: that is the
  documented window (README, "How at most once holds"); a duplicate would be the failure.
`,
  );
}
