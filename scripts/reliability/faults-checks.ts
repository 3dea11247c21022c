/**
 * What the faults phase's mailbox must hold, given its traffic (faults-traffic.ts): per interview,
 * what each address was owed exactly once, what it must never have got, and whose name each email
 * greets; its rows in the report.
 *
 * - Owed once: the confirmation (one per interview, a panel's listing every panelist), each
 *   panelist's thank-you, and each follow-up except one the link answered cancelled and no restore
 *   answered scheduled again: that one is owed never ("sent after a cancel").
 * - The "Updated:" notice: each interview has at most one edit that can move an email, so a notice
 *   is owed exactly once when that edit answered 200 having moved one still to go (its history holds a
 *   'rescheduled' by the api), unless the candidate's confirmation had failed (the service then
 *   arms none); owed never otherwise. Counted apart from the interviewer's emails.
 * - Names: after a rename, an email greets the new name when the rename answered 200 and was
 *   recorded (`edited`) before that email's `sent`, or no `sent` is recorded (an email caught
 *   `sending` by a lost answer cannot be renamed: the PATCH is then a 409); the old name otherwise,
 *   a 409 already_sending included ("the old version went").
 */
import { interviewerEmail, type Mail, mailAbout, mailTo } from './common.js';
import { NEW_NAMES, type OwnedView, type Tracked } from './faults-traffic.js';
import type { Report } from './report.js';

/** How early a send may come (the sender's EARLY_ALLOWANCE_MS). */
const EARLY_MS = 2 * 60_000;

export interface TrafficFigures {
  /** Emails owed exactly once: confirmations, thank-yous, follow-ups not cancelled for good. */
  owed: number;
  duplicates: number;
  missing: number;
  afterCancel: number;
  notices: { owed: number; received: number; duplicates: number; missing: number; unowed: number };
  names: { owed: number; seen: number; wrong: number };
  /** Emails an edit moved that were sent (sentAt known), and of those sent at the new time. */
  moved: { sent: number; onTime: number };
  /** Emails whose sentAt is more than two minutes before their sendAt. */
  early: number;
  /** One line per interview where something is off, for the console. */
  problems: string[];
}

export function checkTraffic(
  all: Tracked[],
  mail: Mail[],
  finals: Map<string, OwnedView>,
  candidateFailed: Set<string>,
): TrafficFigures {
  const f: TrafficFigures = {
    owed: 0,
    duplicates: 0,
    missing: 0,
    afterCancel: 0,
    notices: { owed: 0, received: 0, duplicates: 0, missing: 0, unowed: 0 },
    names: { owed: 0, seen: 0, wrong: 0 },
    moved: { sent: 0, onTime: 0 },
    early: 0,
    problems: [],
  };
  for (const t of all) {
    const wrong: string[] = [];
    const owe = (what: string, got: number, owed: 0 | 1) => {
      if (owed === 1) {
        f.owed += 1;
        if (got === 0) f.missing += 1;
        if (got > 1) f.duplicates += got - 1;
      } else if (got > 0) f.afterCancel += got;
      if (got !== owed) wrong.push(`${what}: ${got} (owed ${owed})`);
    };
    const first = t.addresses[0] ?? '';
    owe('confirmation', mailAbout(mail, first, 'Scheduled:'), 1);
    for (const address of t.addresses) {
      owe(`thank-you to ${address}`, mailTo(mail, address, 'thank-you'), 1);
      const never = t.cancelled.has(address) && !t.restored.has(address);
      owe(`follow-up to ${address}`, mailTo(mail, address, 'follow-up'), never ? 0 : 1);
    }

    const noticeOwed = t.edits.some((e) => e.news) && !candidateFailed.has(t.id) ? 1 : 0;
    const notices = mailAbout(mail, first, 'Updated:');
    f.notices.owed += noticeOwed;
    f.notices.received += notices;
    if (noticeOwed === 1 && notices === 0) f.notices.missing += 1;
    if (noticeOwed === 1 && notices > 1) f.notices.duplicates += notices - 1;
    if (noticeOwed === 0) f.notices.unowed += notices;
    if (notices !== noticeOwed) wrong.push(`"Updated:" notices: ${notices} (owed ${noticeOwed})`);

    const final = finals.get(t.id);
    if (final) {
      checkNames(t, mail, final, f, wrong);
      checkTimes(t, final, f, wrong);
    } else wrong.push('no final GET');
    wrong.push(...t.unexpected);
    if (wrong.length > 0) {
      const history = final?.history.map((h) => `${h.action}${h.email ? `(${h.email.kind})` : ''}`).join(' ');
      f.problems.push(`interview ${t.i} ${t.id}: ${wrong.join('; ')}; history: ${history ?? '?'}`);
    }
  }
  return f;
}

/** The greeting of each email to a renamed interviewer: the name the order of the writes says. */
function checkNames(t: Tracked, mail: Mail[], final: OwnedView, f: TrafficFigures, wrong: string[]): void {
  const rename = t.edits.find((e) => e.what === 'name');
  if (!rename) return;
  const history = final.history;
  t.addresses.slice(0, NEW_NAMES.length).forEach((address, k) => {
    const person = final.interviewers.find((p) => p.email === address);
    const newName = NEW_NAMES[k] as string;
    const oldName = t.names.get(address) ?? '';
    const edited = history.findIndex(
      (h) => h.action === 'edited' && (h.fields ?? []).includes(`interviewers[${person?.id}].name`),
    );
    for (const kind of ['thank-you', 'follow-up'] as const) {
      const sent = history.findIndex(
        (h) => h.action === 'sent' && h.email?.kind === kind && h.email.to === address,
      );
      const renamed = rename.status === 200 && edited >= 0 && (sent === -1 || edited < sent);
      for (const m of mail.filter((m) => m.to.includes(address) && interviewerEmail(m) === kind)) {
        const greetsNew = m.text.includes(`, ${newName}!`);
        const greetsOld = m.text.includes(`, ${oldName}!`);
        if (renamed) f.names.owed += 1;
        if (renamed && greetsNew && !greetsOld) f.names.seen += 1;
        else if (renamed || greetsNew || !greetsOld) {
          f.names.wrong += 1;
          wrong.push(
            `${kind} to ${address} greets ${greetsNew ? 'the new' : greetsOld ? 'the old' : 'no'} name`,
          );
        }
      }
    }
  });
}

/** Every email sent no earlier than its time; those an edit moved, at their new time. */
function checkTimes(t: Tracked, final: OwnedView, f: TrafficFigures, wrong: string[]): void {
  const moved = t.edits.some((e) => e.moved);
  for (const e of final.emails) {
    if (!e.sentAt || !e.sendAt) continue;
    const onTime = Date.parse(e.sentAt) >= Date.parse(e.sendAt) - EARLY_MS;
    if (!onTime) {
      f.early += 1;
      wrong.push(`${e.kind} to ${e.to} sent ${e.sentAt}, before its time ${e.sendAt}`);
    }
    if (moved && t.planned.get(`${e.kind} ${e.to}`) !== e.sendAt) {
      f.moved.sent += 1;
      if (onTime) f.moved.onTime += 1;
    }
  }
}

/** The order a racing edit met the sender in: before its send, refused while sending, or after. */
function raceOutcome(t: Tracked, final: OwnedView | undefined): 'before' | 'while' | 'after' | undefined {
  const e = t.edits.find((x) => x.racing);
  if (!e) return undefined;
  if (e.status === 409 && e.code === 'already_sending') return 'while';
  // Nothing left to change: it came after the sends.
  if (e.status === 409 && e.code === 'nothing_pending') return 'after';
  if (e.status !== 200) return undefined;
  if (e.what !== 'name') return e.moved ? 'before' : 'after';
  const history = final?.history ?? [];
  const edited = history.findIndex((h) => h.action === 'edited');
  const sent = history.findIndex((h) => h.action === 'sent' && h.email?.kind === 'thank-you');
  return sent === -1 || edited < sent ? 'before' : 'after';
}

export function reportTraffic(
  report: Report,
  all: Tracked[],
  finals: Map<string, OwnedView>,
  f: TrafficFigures,
): void {
  const edits = all.flatMap((t) => t.edits);
  const count = (test: (e: (typeof edits)[number]) => boolean) => edits.filter(test).length;
  const edited = all.filter((t) => t.edits.length > 0).length;
  report.row(
    'faults',
    'edits made (PATCH)',
    edits.length,
    `${edited} interviews; ${count((e) => e.status === 200)} answered 200, ${count((e) => e.code === 'already_sending')} 409 already_sending (the old version went), ${count((e) => e.code === 'nothing_pending')} 409 nothing_pending, ${count((e) => e.status !== 200 && e.status !== 409)} other`,
  );
  report.row(
    'faults',
    'edits retried after a 503',
    edits.reduce((n, e) => n + (e.retried > 0 ? 1 : 0), 0),
    `${edits.reduce((n, e) => n + e.retried, 0)} retries`,
  );
  const races = { before: 0, while: 0, after: 0 };
  for (const t of all) {
    const outcome = raceOutcome(t, finals.get(t.id));
    if (outcome) races[outcome] += 1;
  }
  report.row(
    'faults',
    'racing edits: before / while / after the send',
    `${races.before} / ${races.while} / ${races.after}`,
    'written first; 409 already_sending; after the send (200, or 409 nothing_pending)',
  );
  const restores = all.flatMap((t) => t.restores);
  report.row(
    'faults',
    'restores made',
    restores.length,
    `${restores.filter((r) => r.status === 200).length} answered 200, ${restores.filter((r) => r.code === 'nothing_restorable').length} 409 nothing_restorable`,
  );
  const cancelled = all.reduce((n, t) => n + t.cancelled.size, 0);
  const restored = all.reduce((n, t) => n + t.restored.size, 0);
  report.row(
    'faults',
    'follow-ups cancelled by the link',
    cancelled,
    `${restored} restored, ${cancelled - restored} never`,
  );
  report.row(
    'faults',
    'emails owed exactly once',
    f.owed,
    'confirmations, thank-yous, follow-ups not cancelled for good',
  );
  report.row('faults', 'duplicates', f.duplicates, 'target 0');
  report.row('faults', 'missing', f.missing, 'target 0');
  report.row('faults', 'sent after a cancel', f.afterCancel, 'target 0');
  report.row('faults', 'sent before their time', f.early, 'target 0 (sentAt more than 2 min before sendAt)');
  report.row(
    'faults',
    'moved by an edit: sent at the new time',
    `${f.moved.onTime} / ${f.moved.sent}`,
    'target all',
  );
  report.row('faults', 'edited names seen in the mail', `${f.names.seen} / ${f.names.owed}`, 'target all');
  report.row('faults', 'emails greeting the wrong name', f.names.wrong, 'target 0');
  const n = f.notices;
  report.row(
    'faults',
    '"Updated:" notices received / owed',
    `${n.received} / ${n.owed}`,
    'one per interview an edit moved an email of',
  );
  report.row(
    'faults',
    '"Updated:" notices: duplicates, missing',
    `${n.duplicates}, ${n.missing}`,
    'target 0, 0',
  );
  report.row('faults', '"Updated:" notices not owed', n.unowed, 'target 0');
  const odd = all.reduce((k, t) => k + t.unexpected.length, 0);
  report.row('faults', 'unexpected answers to the client', odd, 'target 0');
}
