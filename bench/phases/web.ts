/**
 * Phase 5, the self-serve form (issue 18: "the form under 50 KB transferred, the live preview
 * under 100 ms per change"), on a runtime of its own with the self-serve pages on:
 * - the page's weight: `GET /` as sent (the local server and API Gateway's HTTP API send it
 *   uncompressed, so its bytes are what travels), gzip and brotli of it for reference, the
 *   requests the page makes on load besides its preview, and the document plus one preview of the
 *   filled form;
 * - the live preview in Chromium: with every required field filled, one character typed at a time
 *   into an interviewer's note, each timed in the page from its keydown until the preview shows
 *   it; beside it, the same `POST /preview` fetched directly, the server's part alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Page, Request } from 'playwright-core';
import { NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';
import { launchChromium } from '../../test/e2e/browser.js';
import { median, type PhaseOptions, percentile, type Report } from '../report.js';

/** What docs/performance.md says of the form. */
export interface WebFacts {
  /** `GET /`: its body as sent, gzip and brotli of it, its response headers (as Chromium counts them). */
  page: { bytes: number; gzip: number; brotli: number; headers: number };
  /** Requests on load besides the document and its preview (none expected: nothing external). */
  extraRequests: number;
  /** One preview of the filled form, the fragment's bytes. */
  fragmentBytes: number;
  /** Changes timed, and their in-page times (ms): keydown to the preview showing the change. */
  changes: number;
  preview: { median: number; p95: number; max: number };
  /** The script's own `data-ms` (its fetch until the preview is replaced), median. */
  scriptMedian: number;
  /** `POST /preview` alone, fetched directly with the same body: median and p95 (ms). */
  server: { median: number; p95: number };
  /** Issue 18's bounds: the page's bytes, and the milliseconds per change. */
  targets: { pageBytes: number; changeMs: number };
}

const PAGE_TARGET_BYTES = 50 * 1024;
const CHANGE_TARGET_MS = 100;

const SECTION = 'self-serve form';
/** The interview ended at 14:00 in New York (19:00Z); the runtime's clock half an hour later. */
const NOW = '2026-11-27T19:30:00.000Z';
const FIELDS: [name: string, value: string][] = [
  ['candidate.name', 'Reagan Applicant'],
  ['candidate.email', 'reagan@example.com'],
  ['interviewers.0.name', 'Mrs. Hiring Manager'],
  ['interviewers.0.email', 'hiring.manager@example.org'],
  ['position', 'Copywriter'],
  ['interview.endsAt', '2026-11-27T14:00'],
  // Last, so a preview naming this zone is the form's latest (the page's default is the browser's).
  ['interview.timeZone', 'America/New_York'],
];
/**
 * Typed into the note, one character per change. It starts with a lower-case word and holds no
 * link, so the thank-you carries it as typed (email-texts.ts noteSentence: trimmed, a period added).
 */
const NOTE = 'our conversation about the spring campaign and its launch plans';
const NOTE_FIELD = 'interviewers.0.note';
/** A change whose preview has not shown within this long counts as failed, and stops the timing. */
const CHANGE_TIMEOUT_MS = 5000;

/**
 * In the page, plain browser JavaScript (the bench compiles without the DOM's types, and code
 * handed to the page must not lean on any helper of the bench's build): `benchArm(expected)` sets
 * `benchChange`, a promise of the next change's timing. It starts at the next keydown and ends in
 * the MutationObserver callback that sees #preview's `data-updates` counter go up with the
 * thank-you's text holding " <expected>." (the note is in the thank-you only, the end of a sentence
 * there: even its first letter alone is then not found elsewhere in the text).
 */
const PROBE = `window.benchArm = function (expected, timeoutMs) {
  var preview = document.getElementById('preview');
  var before = Number(preview.getAttribute('data-updates') || 0);
  var started;
  document.addEventListener('keydown', function () { started = performance.now(); }, { capture: true, once: true });
  window.benchChange = new Promise(function (resolve) {
    var observer;
    var timer = setTimeout(function () {
      observer.disconnect();
      resolve({ error: 'the preview did not show "' + expected + '" within ' + timeoutMs + ' ms' });
    }, timeoutMs);
    observer = new MutationObserver(function () {
      if (Number(preview.getAttribute('data-updates')) <= before) return;
      var shown = Array.prototype.some.call(preview.querySelectorAll('article.email'), function (email) {
        var kind = email.querySelector('.kind');
        var body = email.querySelector('.body');
        return kind && kind.textContent === 'Thank-you' && body && body.textContent.indexOf(' ' + expected + '.') >= 0;
      });
      if (!shown) return;
      var at = performance.now();
      clearTimeout(timer);
      observer.disconnect();
      if (started === undefined) resolve({ error: 'no keydown was seen' });
      else resolve({ ms: at - started, scriptMs: Number(preview.getAttribute('data-ms')) });
    });
    observer.observe(preview, { attributes: true, attributeFilter: ['data-updates'] });
  });
};`;

type ChangeTiming = { ms: number; scriptMs: number } | { error: string };
interface Probe {
  benchArm(expected: string, timeoutMs: number): void;
  benchChange: Promise<ChangeTiming>;
}

const bytes = (n: number) => n.toLocaleString('en-US');
const ms = (n: number) => n.toFixed(1);

export async function web(report: Report, { quick }: PhaseOptions): Promise<WebFacts> {
  const changes = Math.min(quick ? 10 : 40, NOTE.length);
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-web-'));
  const runtime = await startLocalRuntime({ dataDir, log: () => {}, limits: NO_LIMITS, selfServe: 'on' });
  const browser = await launchChromium().catch(async (err: unknown) => {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  try {
    const clock = await fetch(`${runtime.apiUrl}/_local/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ now: NOW }),
    });
    if (!clock.ok) throw new Error(`POST /_local/clock answered ${clock.status}`);

    // The document as the server sends it.
    const res = await fetch(`${runtime.apiUrl}/`);
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok) throw new Error(`GET / answered ${res.status}`);
    report.check(
      res.headers.get('content-encoding') === null,
      'GET / came compressed: its bytes as sent are no longer its body',
    );
    const gzip = gzipSync(body).length;
    const brotli = brotliCompressSync(body).length;

    // The page in Chromium, from the runtime's own origin (the server refuses another site's POSTs).
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    const page = await context.newPage();
    const requests: Request[] = [];
    page.on('request', (r) => requests.push(r));
    const isPreview = (r: Request) => r.method() === 'POST' && new URL(r.url()).pathname === '/preview';
    const loaded = await page.goto(`${runtime.apiUrl}/`, { waitUntil: 'load' });
    if (!loaded?.ok()) throw new Error(`the page answered ${loaded?.status()} in Chromium`);
    await page.waitForLoadState('networkidle');
    const sizes = await loaded.request().sizes();
    const extras = requests.filter((r) => r !== loaded.request() && !isPreview(r));
    report.check(
      sizes.responseBodySize === body.length,
      `Chromium counted ${sizes.responseBodySize} bytes of GET / where the server sent ${body.length}`,
    );

    const timings = await timeChanges(page, report, changes);
    const lastPreview = requests.filter(isPreview).at(-1);
    if (!lastPreview) throw new Error('the page posted no preview');
    const form = {
      type: (await lastPreview.headerValue('content-type')) ?? '',
      body: lastPreview.postDataBuffer() ?? Buffer.alloc(0),
    };
    await context.close();

    // The server's part: the page's last POST /preview (the filled form, the whole note) again,
    // byte for byte, as the page's own origin sends it.
    const replay = async () => {
      const t = performance.now();
      const answer = await fetch(`${runtime.apiUrl}/preview`, {
        method: 'POST',
        headers: { 'Content-Type': form.type, 'Sec-Fetch-Site': 'same-origin' },
        body: form.body,
      });
      const fragment = Buffer.from(await answer.arrayBuffer());
      if (!answer.ok) throw new Error(`POST /preview answered ${answer.status}`);
      return { ms: performance.now() - t, fragment };
    };
    const fragment = (await replay()).fragment;
    report.check(fragment.includes('Subject:'), 'POST /preview of the filled form shows no email');
    const server: number[] = [];
    for (let i = 0; i < changes; i++) server.push((await replay()).ms);

    const facts: WebFacts = {
      page: { bytes: body.length, gzip, brotli, headers: sizes.responseHeadersSize },
      extraRequests: extras.length,
      fragmentBytes: fragment.length,
      changes: timings.inPage.length,
      preview: {
        median: median(timings.inPage),
        p95: percentile(timings.inPage, 95),
        max: Math.max(0, ...timings.inPage),
      },
      scriptMedian: median(timings.script),
      server: { median: median(server), p95: percentile(server, 95) },
      targets: { pageBytes: PAGE_TARGET_BYTES, changeMs: CHANGE_TARGET_MS },
    };
    reportWeight(report, facts, extras);
    reportPreview(report, facts, timings.fromBench);
    return facts;
  } finally {
    await browser.close();
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Fills the form's required fields, waits for the emails, then types `changes` characters of NOTE
 * into the note, one at a time, each after the last one's preview showed. Times each in the page
 * (the figure) and from the bench process around Playwright's round trips (for reference).
 */
async function timeChanges(page: Page, report: Report, changes: number) {
  for (const [name, value] of FIELDS) await page.locator(`[name="${name}"]`).fill(value);
  const preview = page.locator('#preview');
  await preview.getByText('Subject:').first().waitFor({ timeout: 10_000 });
  await preview.getByText('at America/New_York time').waitFor({ timeout: 10_000 });
  await page.evaluate(PROBE);
  await page.locator(`[name="${NOTE_FIELD}"]`).focus();
  const inPage: number[] = [];
  const script: number[] = [];
  const fromBench: number[] = [];
  for (let i = 0; i < changes; i++) {
    const typed = NOTE.slice(0, i + 1);
    await page.evaluate(
      ([expected, timeout]) => (globalThis as unknown as Probe).benchArm(expected, timeout),
      [typed.trim(), CHANGE_TIMEOUT_MS] as const,
    );
    const t = performance.now();
    await page.keyboard.type(typed.slice(-1));
    const timing = await page.evaluate(() => (globalThis as unknown as Probe).benchChange);
    fromBench.push(performance.now() - t);
    if ('error' in timing) {
      report.check(false, `live preview, change ${i + 1} ("${typed}"): ${timing.error}`);
      break;
    }
    inPage.push(timing.ms);
    script.push(timing.scriptMs);
  }
  return { inPage, script, fromBench };
}

function reportWeight(report: Report, facts: WebFacts, extras: Request[]): void {
  const { page } = facts;
  const target = `target < ${bytes(PAGE_TARGET_BYTES)} (50 KB)`;
  report.row(SECTION, 'GET /: the document as sent, uncompressed (bytes)', bytes(page.bytes), target);
  report.check(
    page.bytes < PAGE_TARGET_BYTES,
    `the form's page is ${bytes(page.bytes)} bytes, over ${bytes(PAGE_TARGET_BYTES)}`,
  );
  report.row(
    SECTION,
    'GET /: gzip / brotli of it (bytes)',
    `${bytes(page.gzip)} / ${bytes(page.brotli)}`,
    'for reference: neither the local server nor the HTTP API compresses',
  );
  report.row(
    SECTION,
    'GET /: response headers, as Chromium counts them (bytes)',
    bytes(page.headers),
    `${bytes(page.bytes + page.headers)} with the document`,
  );
  report.row(
    SECTION,
    'requests on load besides the document and its preview',
    String(facts.extraRequests),
    extras.length > 0
      ? `target 0: ${extras.map((r) => `${r.method()} ${r.url()}`).join(', ')}`
      : 'target 0 (no external assets)',
  );
  report.check(
    facts.extraRequests === 0,
    `the form's page made ${facts.extraRequests} other request(s) on load`,
  );
  const filled = page.bytes + facts.fragmentBytes;
  report.row(
    SECTION,
    'filled: the document + one preview of its emails (bytes)',
    bytes(filled),
    `${bytes(facts.fragmentBytes)} of preview; ${target}`,
  );
  report.check(
    filled < PAGE_TARGET_BYTES,
    `the form with its preview is ${bytes(filled)} bytes, over ${bytes(PAGE_TARGET_BYTES)}`,
  );
}

function reportPreview(report: Report, facts: WebFacts, fromBench: number[]): void {
  const { preview, server, changes } = facts;
  report.row(
    SECTION,
    `live preview, ${changes} keystrokes in Chromium: p50 / p95 / max (ms)`,
    `${ms(preview.median)} / ${ms(preview.p95)} / ${ms(preview.max)}`,
    `target p95 < ${CHANGE_TARGET_MS} ms; keydown → preview showing it, in the page`,
  );
  // The target is held to the p95: "under 100 ms per change" is said of every change, which the
  // median would let one change in two miss; the p95 holds nearly all of them to it, while one
  // stall of this shared machine (a collection, the other core's load), the max, fails no run.
  // (With --quick's 10 changes the p95 is the max.)
  report.check(
    preview.p95 < CHANGE_TARGET_MS,
    `the live preview's p95 is ${ms(preview.p95)} ms per change, over ${CHANGE_TARGET_MS} ms`,
  );
  report.row(
    SECTION,
    "the page script's own data-ms (its fetch → shown): p50",
    ms(facts.scriptMedian),
    `the same changes from the bench process, Playwright's round trips in: p50 ${ms(median(fromBench))}`,
  );
  report.row(
    SECTION,
    `POST /preview alone, ${changes} direct fetches: p50 / p95 (ms)`,
    `${ms(server.median)} / ${ms(server.p95)}`,
    'baseline: the same form body, on loopback from the bench process',
  );
}
