/** The Lambda side of logs and metrics (Powertools), read back from what it writes to stdout. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaObservability } from '../../lambdas/aws/observability.js';
import { METRICS_NAMESPACE } from '../../lambdas/core/ports.js';

function captureStdout(): { lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('Powertools observability', () => {
  it('logs JSON with the correlation keys of the invocation, every string redacted, and resets them after', async () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'interview-followup-test');
    const out = captureStdout();
    const o = lambdaObservability();
    const context = { functionName: 'sender', awsRequestId: 'req-1' };
    await o.invocation(context, { interviewId: 'i-1', kind: 'thank-you' }, async () => {
      o.log('info', 'sent to hiring.manager@example.org', { error: 'refused reagan@example.com' });
    });
    o.log('info', 'between invocations');
    const [inside, after] = out.lines().filter((l) => l.level === 'INFO');
    expect(inside).toMatchObject({
      message: 'sent to [email]',
      error: 'refused [email]',
      interviewId: 'i-1',
      kind: 'thank-you',
      service: 'interview-followup-test',
      function_request_id: 'req-1',
    });
    expect(JSON.stringify(out.lines())).not.toContain('example.org');
    expect(after?.interviewId).toBeUndefined();
  });

  it('counts as EMF in our namespace, published when the invocation ends, even when it throws', async () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'interview-followup-test');
    const out = captureStdout();
    const o = lambdaObservability();
    await expect(
      o.invocation(undefined, {}, async () => {
        o.metrics.count('EmailsFailed');
        o.metrics.count('EmailsStuck', 2);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const emf = out.lines().find((l) => '_aws' in l) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
    };
    expect(emf).toBeDefined();
    expect(emf._aws.CloudWatchMetrics[0]?.Namespace).toBe(METRICS_NAMESPACE);
    expect(emf._aws.CloudWatchMetrics[0]?.Dimensions[0]).toContain('service');
    expect(emf.service).toBe('interview-followup-test');
    expect(emf.EmailsFailed).toBe(1);
    expect(emf.EmailsStuck).toBe(2);
  });
});
