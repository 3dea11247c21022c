/**
 * Lambda's Invoke API, restJson1 as `@aws-sdk/client-lambda` sends it:
 * `POST /2015-03-31/functions/{FunctionName}/invocations`, the invocation type in the
 * `X-Amz-Invocation-Type` header, the payload as the raw body. An `Event` invocation is written
 * (store.ts) before its 202, then run in the background with Lambda's two retries and, after them,
 * dead-lettered (standing in for the function's on-failure destination). `RequestResponse` runs the
 * target and answers its outcome; other invocation types are refused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errorMessage, readBody, send } from './common.js';
import type { Context } from './context.js';
import { LAMBDA_ASYNC_ATTEMPTS, type PendingInvocation } from './records.js';

/** `arn:aws:lambda:r:a:function:name[:qualifier]`, `a:function:name` or `name[:qualifier]` → `name`. */
function functionNameOf(functionName: string): string {
  const fromArn = /(?:^|:)function:([^:]+)/.exec(functionName)?.[1];
  return fromArn ?? functionName.split(':')[0] ?? functionName;
}

export class LambdaInvocations {
  /** First attempts of asynchronous invocations. */
  readonly firstAttempts = new Set<Promise<void>>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** Accepted invocations loaded at start, run at the first tick, fireDue() or settle(). */
  private resumable: Array<{ key: string; invocation: PendingInvocation }>;

  constructor(
    private readonly ctx: Context,
    loaded: Array<{ key: string; invocation: PendingInvocation }>,
  ) {
    this.resumable = loaded;
  }

  /** Answers `POST /2015-03-31/functions/{functionName}/invocations`. Throws ApiError. */
  async handle(req: IncomingMessage, res: ServerResponse, functionName: string): Promise<void> {
    const { ctx } = this;
    const invocationType = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    const body = (await readBody(req)).toString('utf8');
    let payload: unknown;
    try {
      payload = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      throw new ApiError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const executed = { 'x-amz-executed-version': '$LATEST' };
    if (invocationType === 'Event') {
      const accepting = this.accept(functionName, payload);
      // Tracked so that close() waits for the write (its failure is answered below, not reported).
      ctx.track(accepting.catch(() => undefined));
      await accepting;
      send(res, 202, '');
    } else if (invocationType === 'RequestResponse') {
      let failure: { errorMessage: string; errorType: string } | undefined;
      // Tracked so that close() waits for it like for any other running invocation.
      await ctx.track(
        ctx.invokeTarget(functionName, payload).catch((err: unknown) => {
          failure = { errorMessage: errorMessage(err), errorType: err instanceof Error ? err.name : 'Error' };
        }),
      );
      if (failure) {
        send(res, 200, JSON.stringify(failure), { ...executed, 'x-amz-function-error': 'Unhandled' });
        return;
      }
      // The in-process target returns nothing, like a handler returning undefined.
      send(res, 200, 'null', executed);
    } else {
      throw new ApiError(
        400,
        'InvalidParameterValueException',
        `Unsupported InvocationType '${invocationType}'`,
      );
    }
  }

  /** Starts, once, the invocations a previous run had accepted and not finished. */
  resume(): void {
    if (this.ctx.closed || this.resumable.length === 0) return;
    const resumable = this.resumable;
    this.resumable = [];
    this.ctx.log('lambda: resuming async invocations accepted before the restart', {
      count: resumable.length,
    });
    for (const { key, invocation } of resumable) this.run(key, invocation);
  }

  /** Stops the retry timers (close): what waited for a retry is in the database already. */
  stop(): void {
    for (const timer of this.retryTimers) clearTimeout(timer);
    if (this.retryTimers.size > 0) {
      this.ctx.log('lambda: async retries left for the next start', { count: this.retryTimers.size });
    }
    this.retryTimers.clear();
  }

  /**
   * Accepts an `Event` invocation: its record is written before the 202 (this resolves once it is),
   * then it runs in the background. Rejects, and runs nothing, if the write failed.
   */
  private async accept(functionName: string, payload: unknown): Promise<void> {
    const { store } = this.ctx;
    const key = store.invocationKey();
    const invocation: PendingInvocation = {
      functionName,
      payload,
      attempts: 0,
      acceptedAt: this.ctx.isoNow(),
    };
    await store.commit(store.put(key, invocation));
    // Accepted while closing: it stays in the database and runs after the next start.
    if (!this.ctx.closed) this.run(key, invocation);
  }

  /**
   * Runs an accepted invocation with Lambda's retries (two, after retryBaseMs and twice that), then
   * dead-letters it. Its record (key `a!…`) is deleted once it succeeds, replaced by its dead letter
   * when given up, and rewritten after each failed attempt, so a restart runs whatever was still
   * queued, in flight or waiting for a retry, from its next attempt on (an attempt in flight at a
   * kill may thus run twice, as Lambda's at-least-once allows).
   */
  private run(key: string, invocation: PendingInvocation): void {
    const { ctx } = this;
    const { functionName, payload } = invocation;
    const attempt = async (n: number): Promise<void> => {
      const fields = { function: functionName, attempt: n };
      ctx.log(n === 1 ? 'lambda: async invocation' : 'lambda: retrying async invocation', fields);
      let error: string | undefined;
      try {
        await ctx.invokeTarget(functionName, payload);
      } catch (err) {
        error = errorMessage(err);
      }
      if (error === undefined) {
        await ctx.persist(ctx.store.del(key)); // before settle() counts it done
        return;
      }
      invocation.attempts = n;
      if (n >= LAMBDA_ASYNC_ATTEMPTS) {
        const letter = {
          source: 'lambda' as const,
          name: functionNameOf(functionName),
          target: functionName,
          payload,
          error,
          attempts: n,
          at: ctx.isoNow(),
        };
        await ctx.giveUp(letter, key, 'lambda: gave up, dead-lettered', { ...fields, error });
        return;
      }
      await ctx.persist(ctx.store.put(key, invocation));
      if (ctx.closed) {
        ctx.log('lambda: async invocation failed at close; a restart retries it', { ...fields, error });
        return;
      }
      const delay = ctx.retryDelay(n);
      ctx.log('lambda: async invocation failed, will retry', { ...fields, error, retryInMs: delay });
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        ctx.track(attempt(n + 1));
      }, delay);
      timer.unref();
      this.retryTimers.add(timer);
    };
    ctx.track(attempt(invocation.attempts + 1), this.firstAttempts);
  }
}
