/**
 * The faults phase's edits, cancels and restores (faults.ts), mixed into its traffic by interview
 * index, as a careful client makes them: a PATCH of what `GET /interviews/{id}` shows, retried on a
 * 503 and taking a 409 already_sending as "the old version went"; the cancel link's JSON POST; a
 * restore through the API or the link. Each answer is kept, so faults-checks.ts can say what each
 * address was owed.
 *
 * The walk (faults.ts) is in steps of an hour from Monday 23 November 2026, 13:00Z, the interviews'
 * end: before step s the clock reads 13:00Z + s hours. The thank-yous fall due in step 2 (16:00Z),
 * the follow-ups in step 73 (Thursday 26 November, 15:00Z). A racing step first walks to a second
 * before its hour, then moves the last second while its racing actions are made, tens of
 * milliseconds apart (faults.ts), so they meet the sender before, during and after its sends.
 */
import { type api, sleep } from './common.js';

type Client = ReturnType<typeof api>;

/** Before this step (14:00Z): the early edits, two hours before the thank-yous. */
const EARLY = 1;
/** The step whose hour the thank-yous fall due at (16:00Z). */
export const THANK_YOUS_STEP = 2;
/** Before steps CANCEL to CANCEL + 3 (17:00Z to 20:00Z): the cancels. */
const CANCEL = 4;
/** Before this step (Tuesday 19:00Z): the second edit of 'name-then-away'. */
const AWAY_EARLY = 30;
/** Before this step (Wednesday 05:00Z): the early restores. */
const RESTORE_EARLY = 40;
/** The step whose hour the follow-ups fall due at (Thursday 15:00Z); before it, an hour ahead. */
export const FOLLOW_UPS_STEP = 73;

/** The away date an edit gives the first interviewer: their follow-up moves from Thursday to Friday. */
export const AWAY_UNTIL = '2026-11-26';
/** The names a rename gives the first two interviewers (a third keeps theirs). */
export const NEW_NAMES = ['Mrs. Hiring Manager', 'Jordan Example'] as const;
/** One interview in EDIT_EVERY is edited: those with `i % 9` 0, 4 or 8, so panels are among them. */
export const EDIT_EVERY = 3;
/** One in RESTORE_EVERY (`i % 5 === 2`) has its follow-up cancelled, then restored. */
export const RESTORE_EVERY = 5;
/** One in CANCEL_EVERY (`i % 7 === 3`, not restored) has its follow-up cancelled for good. */
export const CANCEL_EVERY = 7;

/**
 * The edits, in turn among the edited interviews: a rename two hours ahead or racing the
 * thank-you's send; thankYouDelayHours 3 → 5 racing the send or ahead of it; the away date
 * racing the follow-up's send; a rename ahead, then the away date two days ahead.
 */
export const EDIT_KINDS = [
  'name-early',
  'name-race',
  'delay-race',
  'away-race',
  'delay-early',
  'name-then-away',
] as const;
export type EditKind = (typeof EDIT_KINDS)[number];
export type EditWhat = 'name' | 'delay' | 'away';

export interface Mix {
  edit?: EditKind;
  /** The follow-up cancelled (of `to` alone when set), restored through `restore` when set. */
  cancel?: { to?: string; restore?: { via: 'api' | 'link'; when: 'early' | 'late' | 'race' } };
}

/** What interview `i` (its panel at `addresses`) gets, by its index alone. */
export function mixOf(i: number, addresses: string[]): Mix {
  const mix: Mix = {};
  const slot = [0, 4, 8].indexOf(i % 9);
  if (slot >= 0) mix.edit = EDIT_KINDS[(Math.floor(i / 9) * 3 + slot) % EDIT_KINDS.length];
  const panel = addresses.length > 1;
  if (i % RESTORE_EVERY === 2) {
    const turn = Math.floor(i / RESTORE_EVERY);
    mix.cancel = {
      ...(panel && turn % 2 === 1 && { to: addresses[1] }),
      restore: {
        via: turn % 2 === 0 ? 'api' : 'link',
        when: (['early', 'late', 'race'] as const)[turn % 3] ?? 'early',
      },
    };
  } else if (i % CANCEL_EVERY === 3) {
    mix.cancel = panel && Math.floor(i / CANCEL_EVERY) % 2 === 0 ? { to: addresses[0] } : {};
  }
  return mix;
}

/** What `GET /interviews/{id}` (and PATCH, restore, the link as JSON) answer: the parts read. */
export interface OwnedView {
  id: string;
  interviewers: { id: number; name: string; email: string; note?: string; awayUntil?: string }[];
  emails: { kind: string; to: string; status: string; sendAt?: string; sentAt?: string }[];
  history: {
    at: string;
    by: string;
    action: string;
    fields?: string[];
    email?: { kind: string; to?: string };
  }[];
}

export interface EditAnswer {
  what: EditWhat;
  /** The last answer's status (after any 503 retried). */
  status: number;
  code?: string;
  /** 503s retried before it. */
  retried: number;
  /** Made while the sender was due to send (a racing step). */
  racing: boolean;
  /** A 200 whose history holds a 'rescheduled' by the api: an email moved. */
  moved: boolean;
  /**
   * One of the emails it moved is still to go (not one the candidate cancelled): news for the
   * candidate, so the "Updated:" notice is armed.
   */
  news: boolean;
}

/** One interview of the phase, its mix and every answer its client got. */
export interface Tracked {
  i: number;
  id: string;
  cancelUrl: string;
  addresses: string[];
  /** Each interviewer's name as submitted, by address. */
  names: Map<string, string>;
  /** Each email's sendAt in the 201, by `${kind} ${to}`. */
  planned: Map<string, string>;
  mix: Mix;
  edits: EditAnswer[];
  /** Follow-ups the link answered cancelled, by address. */
  cancelled: Set<string>;
  /** Of those, the ones a restore answered scheduled again. */
  restored: Set<string>;
  restores: { status: number; code?: string }[];
  /** Answers no careful client expects (a 5xx other than a retried 503, a 400, a cancel not done). */
  unexpected: string[];
}

/** What the 201 answered, and the mix. */
export function tracked(
  i: number,
  created: { id: string; cancelUrl: string; emails: { kind: string; to?: string; sendAt?: string }[] },
  body: { interviewer?: { name: string; email: string }; interviewers?: { name: string; email: string }[] },
): Tracked {
  const people = body.interviewers ?? (body.interviewer ? [body.interviewer] : []);
  const addresses = people.map((p) => p.email);
  return {
    i,
    id: created.id,
    cancelUrl: created.cancelUrl,
    addresses,
    names: new Map(people.map((p) => [p.email, p.name])),
    planned: new Map(created.emails.flatMap((e) => (e.sendAt ? [[`${e.kind} ${e.to}`, e.sendAt]] : []))),
    mix: mixOf(i, addresses),
    edits: [],
    cancelled: new Set(),
    restored: new Set(),
    restores: [],
    unexpected: [],
  };
}

const errorCode = (body: unknown) => (body as { error?: { code?: string } } | undefined)?.error?.code;
const json = async (res: Response): Promise<unknown> => res.json().catch(() => undefined);

/** GET the interview and PATCH `what` over it; a 503 is retried, any other answer kept. */
async function edit(client: Client, t: Tracked, what: EditWhat, racing: boolean): Promise<void> {
  const read = await client.get(t.id);
  if (read.status !== 200) {
    t.unexpected.push(`GET before an edit: ${read.status}`);
    return;
  }
  const view = (await read.json()) as OwnedView;
  const patch =
    what === 'delay'
      ? { thankYouDelayHours: 5 }
      : {
          interviewers: view.interviewers.map((p, k) =>
            what === 'away'
              ? k === 0
                ? { ...p, awayUntil: AWAY_UNTIL }
                : p
              : { ...p, name: NEW_NAMES[k] ?? p.name },
          ),
        };
  let retried = 0;
  for (;;) {
    const res = await client.patch(t.id, patch);
    const body = await json(res);
    if (res.status === 503 && retried < 10) {
      retried += 1;
      await sleep(50 * retried);
      continue;
    }
    const code = errorCode(body);
    const view = body as OwnedView;
    const byEdit =
      res.status === 200 ? view.history.filter((h) => h.action === 'rescheduled' && h.by === 'api') : [];
    const moved = byEdit.length > 0;
    // The answer is the record as the edit wrote it: a moved email's status is the one it kept.
    const news = byEdit.some((h) =>
      view.emails.some((e) => e.kind === h.email?.kind && e.to === h.email?.to && e.status === 'scheduled'),
    );
    t.edits.push({ what, status: res.status, ...(code && { code }), retried, racing, moved, news });
    // A 409 already_sending: the old version went. nothing_pending: it came too late to change anything.
    if (
      res.status !== 200 &&
      !(res.status === 409 && (code === 'already_sending' || code === 'nothing_pending'))
    ) {
      t.unexpected.push(`PATCH ${what}: ${res.status} ${code ?? ''}`.trim());
    }
    return;
  }
}

/** The link's cancel of the follow-up (one person's when `to`); what it answered cancelled is kept. */
async function cancel(client: Client, t: Tracked): Promise<void> {
  const to = t.mix.cancel?.to;
  const res = await client.link(t.cancelUrl, { kind: 'follow-up', ...(to && { to }) });
  const body = (await json(res)) as OwnedView | undefined;
  if (res.status !== 200 || !body) {
    t.unexpected.push(`cancel: ${res.status}`);
    return;
  }
  for (const address of to ? [to] : t.addresses) {
    const e = body.emails.find((m) => m.kind === 'follow-up' && m.to === address);
    if (e?.status === 'cancelled') t.cancelled.add(address);
    else t.unexpected.push(`cancel: the follow-up to ${address} answered ${e?.status ?? 'absent'}`);
  }
}

/** Restore the follow-up(s) cancelled, by the API or the link; a 200's scheduled ones are kept. */
async function restore(client: Client, t: Tracked): Promise<void> {
  const how = t.mix.cancel?.restore;
  const to = t.mix.cancel?.to;
  if (!how) return;
  const choice = { kind: 'follow-up', ...(to && { to }) };
  const res =
    how.via === 'api'
      ? await client.restore(t.id, choice)
      : await client.link(`${t.cancelUrl}/restore`, choice);
  const body = await json(res);
  const code = errorCode(body);
  t.restores.push({ status: res.status, ...(code && { code }) });
  if (res.status === 200) {
    for (const address of t.cancelled) {
      const e = (body as OwnedView).emails.find((m) => m.kind === 'follow-up' && m.to === address);
      if (e?.status === 'scheduled') t.restored.add(address);
    }
  } else if (!(res.status === 409 && code === 'nothing_restorable')) {
    t.unexpected.push(`restore: ${res.status} ${code ?? ''}`.trim());
  }
}

export type Action = () => Promise<void>;
export interface StepActions {
  /** Made one after another (ten at a time) before the step. */
  before: Action[];
  /** Made while the step's last second is walked, a few milliseconds apart. */
  racing: Action[];
}

/** Every interview's actions, by the step they come at. */
export function actionsByStep(client: Client, all: Tracked[]): Map<number, StepActions> {
  const steps = new Map<number, StepActions>();
  const at = (step: number, racing: boolean, action: Action) => {
    const s = steps.get(step) ?? { before: [], racing: [] };
    (racing ? s.racing : s.before).push(action);
    steps.set(step, s);
  };
  for (const t of all) {
    const kind = t.mix.edit;
    if (kind === 'name-early' || kind === 'name-then-away')
      at(EARLY, false, () => edit(client, t, 'name', false));
    if (kind === 'delay-early') at(EARLY, false, () => edit(client, t, 'delay', false));
    if (kind === 'name-race') at(THANK_YOUS_STEP, true, () => edit(client, t, 'name', true));
    if (kind === 'delay-race') at(THANK_YOUS_STEP, true, () => edit(client, t, 'delay', true));
    if (kind === 'name-then-away') at(AWAY_EARLY, false, () => edit(client, t, 'away', false));
    if (kind === 'away-race') at(FOLLOW_UPS_STEP, true, () => edit(client, t, 'away', true));
    const c = t.mix.cancel;
    if (!c) continue;
    at(CANCEL + (t.i % 4), false, () => cancel(client, t));
    const when = c.restore?.when;
    if (when === 'early') at(RESTORE_EARLY, false, () => restore(client, t));
    if (when === 'late') at(FOLLOW_UPS_STEP, false, () => restore(client, t));
    if (when === 'race') at(FOLLOW_UPS_STEP, true, () => restore(client, t));
  }
  return steps;
}
