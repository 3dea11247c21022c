/**
 * The in-process composition root: the same API app, sender, sweep and `/_local/*` routes as the
 * local runtime (local/service.ts), wired to the in-memory adapters of lambdas/memory instead of
 * dynalite, the SES stand-in and the emulator. No port, no server, no child process: requests go
 * to `app.request()`. The use-case and HTTP tests run here; the journeys through the real local
 * servers stay in test/integration.
 */
import { createApp } from '../../lambdas/api/app.js';
import { type Limits, limitsFrom } from '../../lambdas/core/access.js';
import { CountingMetrics, type Logger } from '../../lambdas/core/ports.js';
import { hashSecret } from '../../lambdas/core/tokens.js';
import { createInviteApp } from '../../lambdas/invite/app.js';
import { MemoryAccessStore } from '../../lambdas/memory/access.js';
import { MemoryMailer } from '../../lambdas/memory/mailer.js';
import { MemoryInvoker, MemoryScheduler } from '../../lambdas/memory/scheduler.js';
import { MemoryInterviewStore } from '../../lambdas/memory/store.js';
import { parseSendEvent, sendEmail } from '../../lambdas/usecases/send.js';
import { LocalClock } from '../../local/clock.js';
import { DEFAULT_API_KEY, NO_LIMITS } from '../../local/runtime.js';
import { type Fired, localService } from '../../local/service.js';

export interface InProcessOptions {
  limits?: Partial<Limits>;
  apiKey?: string;
  /** Domains links in submitted text may point to (LINK_ALLOWLIST). */
  linkAllowlist?: string[];
  /** Serve the self-serve form and pages (app.tsx `selfServe`). */
  selfServe?: boolean;
  senderAddress?: string;
  log?: Logger;
}

/** Where links point: requests to it (or to bare paths) go to the app. */
export const IN_PROCESS_URL = 'http://127.0.0.1:3000';

export function startInProcess(options: InProcessOptions = {}) {
  const log = options.log ?? (() => {});
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const clock = new LocalClock();
  const store = new MemoryInterviewStore();
  const access = new MemoryAccessStore();
  const scheduler = new MemoryScheduler();
  const invoker = new MemoryInvoker();
  const mailer = new MemoryMailer(() => clock.now());
  const metrics = new CountingMetrics();
  const senderAddress = options.senderAddress ?? 'followup@example.com';
  const sender = { store, mailer, scheduler, clock, senderAddress, log, metrics, quickRetryDelaysMs: [0, 0] };
  const counterKey = 'in-process-counter-key-of-32-characters';
  // The feedback function's deps, as feedbackDeps wires them (SES events are handed to it by tests).
  const feedback = { store, scheduler, clock, log, suppressions: access, counterKey };

  // Each run of the sender, as one Lambda invocation; a failed one is kept, as a dead letter is.
  const failures: unknown[] = [];
  const running = new Set<Promise<void>>();
  const run = (payload: unknown) => {
    const invocation = sendEmail(sender, parseSendEvent(payload)).then(
      () => undefined,
      (err: unknown) => {
        failures.push(err);
        log('error', 'in-process sender failed', { error: String(err) });
      },
    );
    running.add(invocation);
    void invocation.finally(() => running.delete(invocation));
    return invocation;
  };
  invoker.onInvoke = () => {
    for (const event of invoker.take()) run(event);
  };
  const settle = async () => {
    while (running.size > 0) await Promise.all(running);
  };
  const fireDue = async (): Promise<Fired[]> => {
    const due = scheduler.takeDue(clock.now());
    await Promise.all(due.map((s) => run(s.event)));
    return due.map((s) => ({ name: s.name, at: s.at.toISOString() }));
  };

  const service = localService({
    api: createApp({
      store,
      access,
      scheduler,
      invoker,
      clock,
      log,
      limits: limitsFrom({ ...NO_LIMITS, ...options.limits }),
      counterKey,
      linkAllowlist: options.linkAllowlist ?? [],
      ...(options.selfServe && { selfServe: true }),
      apiKeySha256: hashSecret(apiKey),
      publicUrl: IN_PROCESS_URL,
    }),
    ...(options.selfServe && { invite: createInviteApp({ clock, publicUrl: IN_PROCESS_URL }) }),
    clock,
    dispatcher: { fireDue, settle, pendingTimes: () => scheduler.pending().map((s) => s.at.toISOString()) },
    store,
    invoker,
    mailbox: {
      list: async () =>
        mailer.sent.map((m) => ({
          from: m.from,
          to: m.to,
          cc: [],
          bcc: m.bcc,
          replyTo: m.replyTo,
          subject: m.subject,
          text: m.text,
          html: m.html,
          at: m.at.toISOString(),
          headers: m.headers,
        })),
      clear: async () => mailer.clear(),
    },
    metrics,
    log,
  });

  return {
    apiUrl: IN_PROCESS_URL,
    apiKey,
    clock,
    store,
    access,
    scheduler,
    invoker,
    mailer,
    metrics,
    failures,
    feedback,
    counterKey,
    /** fetch, answered by the app in process (a full URL under IN_PROCESS_URL, or a path). */
    fetch: (input: string, init?: RequestInit): Promise<Response> =>
      Promise.resolve(service.app.request(input, init)),
    /** The parts of the emulator's surface the tests use, over the in-memory scheduler. */
    emulator: {
      pending: () => scheduler.pending().map((s) => ({ name: s.name, at: s.at.toISOString() })),
      settle,
      /** The sender runs that failed (on AWS: the invocations that end in a dead-letter queue). */
      deadLetters: () => [...failures],
    },
    advanceClock: service.advanceClock,
    sweep: service.sweep,
    stop: async () => {
      await service.stop();
      await settle();
    },
  };
}

export type InProcess = ReturnType<typeof startInProcess>;
