/**
 * The service as the local runtime serves it, whatever stands behind the ports: the Hono apps of
 * lambdas/api and lambdas/docs, the `/_local/*` routes (mailbox, clock, sweep, metrics), the sweep on the local
 * clock, and the clock walk that fires every schedule at its own time. `local/runtime.ts` puts
 * it in front of the real stand-in servers (dynalite, aws-ses-v2-local, the emulator);
 * `test/support/in-process.ts` in front of the in-memory adapters, for the in-process tests.
 */
import { Hono } from 'hono';
import type { createApp } from '../lambdas/api/app.js';
import { errorResponse, readJson } from '../lambdas/api/http.js';
import type { InterviewStore, Logger, Metrics, SenderInvoker } from '../lambdas/core/ports.js';
import { SWEEP_PERIOD_MINUTES } from '../lambdas/core/reconcile.js';
import { parseInstant } from '../lambdas/core/validate.js';
import { createDocsApp } from '../lambdas/docs/app.js';
import { type SweepReport, sweep } from '../lambdas/usecases/sweep.js';
import type { LocalClock } from './clock.js';

/** One email as the local mailbox shows it (`GET /_local/mail`). */
export interface CapturedMail {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  text: string;
  html: string;
  at: string;
  /**
   * Its header fields as received, by lower-case name (at least message-id, subject, and
   * in-reply-to and references on a reply): the mail stand-in drops them, so the runtime keeps them.
   */
  headers: Record<string, string>;
}

export interface Mailbox {
  list(): Promise<CapturedMail[]>;
  clear(): Promise<void>;
}

/** A schedule that fired: its name and the ISO instant it was due. */
export interface Fired {
  name: string;
  at: string;
}

/** What runs the sender when a schedule is due or an event was handed over. */
export interface Dispatcher {
  /** Fires every schedule due by the clock, waiting for each first attempt. */
  fireDue(): Promise<Fired[]>;
  /** Waits until every invocation started so far (and what it started) has had its first attempt. */
  settle(): Promise<void>;
  /** The pending schedules' times (ISO). */
  pendingTimes(): string[];
}

export interface ServiceParts {
  /** The API (createApp), with whatever adapters. */
  api: ReturnType<typeof createApp>;
  /** "Fill in from the invite" (createInviteApp), with the self-serve pages; its own function on AWS. */
  invite?: Hono;
  clock: LocalClock;
  dispatcher: Dispatcher;
  /** The sweep's store: `nextCheckAt` tells the clock walk when the next sweep can find anything. */
  store: InterviewStore & { nextCheckAt(): Promise<string | undefined> };
  invoker: SenderInvoker;
  mailbox: Mailbox;
  metrics: Metrics & { snapshot(): Record<string, number> };
  log: Logger;
}

export interface LocalService {
  /** The routes: the API and `/_local/*`. */
  app: Hono;
  /**
   * What `POST /_local/clock` does: sets the clock, fires what is due and waits for every first
   * attempt (async invocations included). Resolves with the schedules fired.
   */
  advanceClock(instant: Date, options?: { down?: boolean }): Promise<Fired[]>;
  /** What `POST /_local/sweep` does: one sweep now (see reconcile.ts), its sends awaited. */
  sweep(): Promise<SweepReport>;
  /** Stops the sweep timer and waits for a sweep in flight. */
  stop(): Promise<void>;
}

export function localService(parts: ServiceParts): LocalService {
  const { clock, dispatcher, store, invoker, mailbox, metrics, log } = parts;
  // The sweep, as on AWS, every SWEEP_PERIOD_MINUTES of the local clock (so also right after the
  // clock is moved past a period); `POST /_local/sweep` runs it at once.
  // Sweeps run one after another, each deciding when it starts whether it is due (by the clock
  // as it is then): a clock moved while one runs gets a fresh one, never the one in flight.
  const sweepPeriodMs = SWEEP_PERIOD_MINUTES * 60_000;
  let lastSweep = clock.now().getTime();
  let sweeps: Promise<unknown> = Promise.resolve();
  const sweepOnce = (force: boolean): Promise<SweepReport | undefined> => {
    const run = sweeps.then(async () => {
      const now = clock.now().getTime();
      if (now < lastSweep) lastSweep = now; // the clock was moved back
      if (!force && now - lastSweep < sweepPeriodMs) return undefined;
      lastSweep = now;
      const report = await sweep({ store, invoker, clock, log, metrics });
      await dispatcher.settle(); // the sends it handed over
      return report;
    });
    sweeps = run.catch(() => undefined);
    return run;
  };
  const runSweep = async (): Promise<SweepReport> => (await sweepOnce(true)) as SweepReport;
  let ticking = false;
  const sweepTimer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    sweepOnce(false)
      .catch((err: unknown) => log('error', 'local sweep failed', { error: String(err) }))
      .finally(() => {
        ticking = false;
      });
  }, 1_000);
  sweepTimer.unref();

  /**
   * Moves the clock. By default time passes with the runtime up: the clock walks from event to
   * event (each schedule's time, and each moment a sweep would find something due), firing and
   * sweeping at each, so every email goes at its own time, as it would have. `down: true` is an
   * outage instead: the runtime was stopped until `instant`, so everything due by then fires at
   * once, late, and the late-send policy decides what it may still be.
   */
  const advanceClock = async (instant: Date, options: { down?: boolean } = {}) => {
    const fired: Fired[] = [];
    const step = async (at: number) => {
      clock.set(new Date(at));
      fired.push(...(await dispatcher.fireDue()));
      await dispatcher.settle();
      await sweepOnce(false);
    };
    const target = instant.getTime();
    for (let steps = 0; !options.down && steps < 100_000; steps++) {
      const now = clock.now().getTime();
      const schedule = dispatcher
        .pendingTimes()
        .map((at) => Date.parse(at))
        .filter((at) => at > now)
        .sort((a, b) => a - b)[0];
      const checkAt = await store.nextCheckAt();
      const sweepAt =
        checkAt === undefined ? undefined : Math.max(Date.parse(checkAt), lastSweep + sweepPeriodMs);
      const next = Math.min(
        schedule ?? Number.POSITIVE_INFINITY,
        sweepAt !== undefined && sweepAt > now ? sweepAt : Number.POSITIVE_INFINITY,
      );
      if (!(next <= target)) break;
      await step(next);
    }
    await step(target);
    return fired;
  };

  const app = new Hono();
  app.get('/_local/mail', async (c) => c.json(await mailbox.list()));
  // The mailbox stands for the recipients' inboxes: a DELETE of an interview cannot recall what
  // was delivered, there or here. This empties the local one (it is in memory and gone at stop).
  app.delete('/_local/mail', async (c) => {
    await mailbox.clear();
    return c.body(null, 204);
  });
  app.get('/_local/clock', (c) => c.json({ now: clock.now().toISOString() }));
  app.get('/_local/metrics', (c) => c.json(metrics.snapshot()));
  app.post('/_local/sweep', async (c) => c.json(await runSweep()));
  app.post('/_local/clock', async (c) => {
    // JSON only: a form or text/plain POST is what a page of another site could send.
    const read = await readJson(c);
    if (!read.ok) return read.response;
    const body = read.body;
    const now = (body as { now?: unknown } | null)?.now;
    const down = (body as { down?: unknown } | null)?.down;
    if (down !== undefined && typeof down !== 'boolean') {
      return errorResponse(c, 400, 'invalid_request', 'down must be true or false.', [
        { path: 'down', message: 'must be true or false' },
      ]);
    }
    const instant = typeof now === 'string' ? parseInstant(now) : undefined;
    if (!instant) {
      return errorResponse(c, 400, 'invalid_request', 'now must be an ISO timestamp with an offset or Z.', [
        { path: 'now', message: 'must be an ISO timestamp with an offset or Z' },
      ]);
    }
    const fired = await advanceClock(instant, { down: down === true });
    return c.json({ now: instant.toISOString(), fired: fired.map((f) => ({ name: f.name, at: f.at })) });
  });
  app.route('/', parts.api);
  // On AWS the HTTP API routes these paths to the docs and invite functions (infra/constructs/api.ts).
  app.route('/', createDocsApp());
  if (parts.invite) app.route('/', parts.invite);
  app.notFound((c) => errorResponse(c, 404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`));
  app.onError((err, c) => {
    log('error', 'unhandled error in a local route', {
      route: c.req.routePath,
      error: err.stack ?? String(err),
    });
    return errorResponse(c, 500, 'internal', 'Something went wrong on our side. Please try again.');
  });

  return {
    app,
    advanceClock,
    sweep: runSweep,
    async stop() {
      clearInterval(sweepTimer);
      await sweeps;
    },
  };
}
