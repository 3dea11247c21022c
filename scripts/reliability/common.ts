/**
 * What the phases of `npm run reliability` share: a client of the local runtime's API and what it
 * reads back (views, the mailbox), the interviews they submit, temporary folders, the SES stand-in
 * run apart from any runtime (so its mailbox outlives a kill), and the runtime as a child process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV, LIMIT_VARIABLES } from '../../lambdas/config.js';
import type { Logger } from '../../lambdas/core/ports.js';
import { NO_LIMITS, startMailServer } from '../../local/runtime.js';
import { validBody } from '../../test/fixtures.js';

export const quiet = () => {};
export const HOUR = 3_600_000;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An email as `GET /_local/mail` lists it (the parts read here). */
export interface Mail {
  to: string[];
  subject: string;
  text: string;
  /** Header fields by lower-case name: `in-reply-to` and `references` on a reply. */
  headers: Record<string, string>;
}

export function api(baseUrl: string, key: string) {
  const call = (path: string, init: RequestInit = {}) => fetch(`${baseUrl}${path}`, init);
  return {
    call,
    submit: (body: unknown, headers: Record<string, string> = {}) =>
      call('/interviews', {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    /** `down`: the runtime was down until `now`, so what fell due fires late (see README). */
    setClock: async (now: string, down = false) => {
      const res = await call('/_local/clock', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ now, ...(down && { down }) }),
      });
      if (res.status !== 200) throw new Error(`clock: ${res.status}`);
      return (await res.json()) as { fired: unknown[] };
    },
    mail: async () => (await call('/_local/mail')).json() as Promise<Mail[]>,
    get: (id: string) => call(`/interviews/${id}`, { headers: { Authorization: `Bearer ${key}` } }),
    metrics: async () => (await call('/_local/metrics')).json() as Promise<Record<string, number>>,
    /** POST /_local/sweep: one sweep, or the end of the one the runtime's timer is running. */
    sweep: async () => (await call('/_local/sweep', { method: 'POST' })).json(),
    /** PATCH /interviews/{id}: a JSON merge patch of what GET shows. */
    patch: (id: string, patch: unknown) =>
      call(`/interviews/${id}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify(patch),
      }),
    /** POST /interviews/{id}/restore with `{kind?, to?}`. */
    restore: (id: string, choice: Record<string, string>) =>
      call(`/interviews/${id}/restore`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(choice),
      }),
    /** POST to the cancel link (`cancelUrl`, or `${cancelUrl}/restore`), answered as JSON. */
    link: (url: string, choice: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(choice),
      }),
  };
}

/** What `POST /interviews` and `GET /interviews/{id}` answer (the parts read here). */
export interface EmailView {
  kind: string;
  /** The interviewer it goes to. */
  to?: string;
  status: string;
  sendAt?: string;
  sentAt?: string;
  reason?: string;
}
export interface InterviewView {
  id: string;
  emails: EmailView[];
}

export const emailOf = (view: InterviewView, kind: string) => view.emails.find((e) => e.kind === kind);
/** The emails an interviewer gets, each of their own. */
export type InterviewerEmail = 'thank-you' | 'follow-up' | 'second-follow-up';

/**
 * Which of an interviewer's emails `m` is, by its default subject and thread. The thank-you
 * starts a thread ("Thank you for …"). A follow-up answers in that person's thread, "Re: " the
 * thank-you's subject, or starts its own ("Following up on …") when no thank-you went; a second
 * follow-up answers in the same thread (its References name the two emails before it, or it
 * answers a thread the follow-up started), or starts its own ("Checking in on …"). A second
 * follow-up whose follow-up never went reads like a follow-up here; no phase asks for second
 * follow-ups. Undefined for anything else (the candidate's confirmation, a late notice).
 */
export function interviewerEmail(m: Mail): InterviewerEmail | undefined {
  const own = (subject: string): InterviewerEmail | undefined =>
    subject.startsWith('Thank you')
      ? 'thank-you'
      : subject.startsWith('Following up')
        ? 'follow-up'
        : subject.startsWith('Checking in')
          ? 'second-follow-up'
          : undefined;
  if (!m.subject.startsWith('Re: ')) return own(m.subject);
  const root = own(m.subject.slice('Re: '.length));
  const earlier = (m.headers.references ?? '').split(/\s+/).filter(Boolean).length;
  if (root === 'thank-you') return earlier >= 2 ? 'second-follow-up' : 'follow-up';
  return root === 'follow-up' ? 'second-follow-up' : undefined;
}

/** Emails to `address` that are its `kind` (the thank-you, the follow-up: see interviewerEmail). */
export const mailTo = (mail: Mail[], address: string, kind: InterviewerEmail) =>
  mail.filter((m) => m.to.includes(address) && interviewerEmail(m) === kind).length;
/** Emails to the candidate about `address`'s interview (the confirmation, a late notice). */
export const mailAbout = (mail: Mail[], address: string, subject: string) =>
  mail.filter((m) => m.subject.startsWith(subject) && m.text.includes(address)).length;

/**
 * A Monday (YYYY-MM-DD) at least `days` days after today. Every start of the runtime begins at
 * the real time, so what a phase schedules across a restart must lie ahead of it, or the
 * restarted runtime would fire it at once, late, before the script sets the clock.
 */
export function mondayAfter(days: number): string {
  const day = new Date(Date.now() + days * 86_400_000);
  day.setUTCDate(day.getUTCDate() + ((8 - day.getUTCDay()) % 7));
  return day.toISOString().slice(0, 10);
}

/** Keeps the runtime's warnings and errors, to show next to what a phase found wrong. */
export function keptLog(): { log: Logger; about: (id: string) => string[] } {
  const lines: string[] = [];
  return {
    log: (level, message, fields) => {
      if (level !== 'info') lines.push(JSON.stringify({ level, message, ...fields }));
    },
    about: (id) => lines.filter((line) => line.includes(id)),
  };
}

/** Interview `i`, its interviewer at `<prefix>-<i>@example.org`; it ends 23 November 2026, 08:00 New York. */
export function interviewBody(i: number, prefix: string) {
  return {
    ...validBody(),
    interviewer: { name: `Interviewer ${i}`, email: `${prefix}-${i}@example.org` },
    interview: { endsAt: '2026-11-23T08:00', timeZone: 'America/New_York' },
  };
}

/**
 * The addresses of interview `i`'s panel of `size`: the first as interviewBody's
 * (`<prefix>-<i>@example.org`), the others `<prefix>-<i>-<p>@example.org`. No address is part of
 * another (the dash after the number), so a confirmation that lists them is found by each.
 */
export const panelAddresses = (i: number, prefix: string, size: number) =>
  Array.from({ length: size }, (_, k) =>
    k === 0 ? `${prefix}-${i}@example.org` : `${prefix}-${i}-${k + 1}@example.org`,
  );

/** Interview `i` as interviewBody makes it, with a panel of `size` (at panelAddresses) instead. */
export function panelBody(i: number, prefix: string, size: number) {
  const { interviewer: _one, ...rest } = interviewBody(i, prefix);
  return {
    ...rest,
    interviewers: panelAddresses(i, prefix, size).map((email, k) => ({
      name: `Interviewer ${i}.${k + 1}`,
      email,
    })),
  };
}

/** `work` on every item, `width` at a time. */
export async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

/** A fresh temporary folder (a runtime's data folder, a log folder). */
export const tempDir = (prefix = 'reliability-') => mkdtemp(join(tmpdir(), prefix));
export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });

/** The SES stand-in in this process, for runtimes started on `url` (`mailUrl`). */
export async function startMailbox(): Promise<{ url: string; close: () => void }> {
  const server = await startMailServer(0);
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

// ---- the runtime as a child process (crash, answered) --------------------------------------------

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The environment of a runtime child on `dataDir`, sending to the script's own mailbox. */
export function childEnv(dataDir: string, port: number, mailUrl: string): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    PORT: String(port),
    MAIL_URL: mailUrl,
    DYNAMODB_PORT: '0',
    ...Object.fromEntries(
      LIMIT_VARIABLES.map(([field, variable]) => [ENV[variable], String(NO_LIMITS[field])]),
    ),
  };
}

/** `npm start` in a child process on `env` (see childEnv), once its /health answers. */
export async function startChild(
  env: Record<string, string>,
  output: 'ignore' | number = 'ignore',
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', output, output],
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${env.PORT}/health`)).status === 200) return child;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error('the runtime did not start');
}

/** SIGKILL, and wait until the process is gone (so the next start finds its data folder free). */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}
