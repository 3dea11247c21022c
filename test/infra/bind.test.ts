/**
 * The bind helpers (infra/constructs/bind.ts): a function's environment variable and its grant
 * come together, in the template (each reference in one is in the other) and in the code (no
 * other way to set a variable; no second, different value).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { bindSender, bindTable, configure } from '../../infra/constructs/bind.js';
import { serviceFunction } from '../../infra/constructs/functions.js';
import { Storage } from '../../infra/constructs/storage.js';
import { PROJECT_ROOT } from '../../infra/stack.js';
import { ENV } from '../../lambdas/config.js';
import {
  defaultStack,
  envOf,
  type FunctionId,
  idsOf,
  logGroupOf,
  newApp,
  roleOf,
  STUB_ENTRY,
  statementsOfRole,
} from './synth.js';

/** The logical ids a value refers to (Ref and Fn::GetAtt), pseudo parameters left out. */
function referencedIds(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) found.add(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string')
        found.add(inner[0]);
      else referencedIds(inner, found);
    }
  }
  return found;
}

describe('bind helpers: variables and grants together', () => {
  const { template } = defaultStack();
  const { dlqId, sender, feedback, onFailureQueueOf } = idsOf(template);
  const FUNCTIONS: FunctionId[] = ['Api', 'Sender', 'Feedback', 'Sweep'];

  it.each(FUNCTIONS)(
    "%s: each resource its environment names is one its policy grants access to (the schedule DLQ: Scheduler's)",
    (id) => {
      const inEnvironment = referencedIds(envOf(template, id));
      const inPolicy = referencedIds(statementsOfRole(template, roleOf(template, id)));
      expect(inEnvironment.size).toBeGreaterThan(0);
      // SCHEDULE_DLQ_ARN is passed on to each schedule: the scheduler role writes to it (iam.test.ts).
      inEnvironment.delete(dlqId);
      expect([...inEnvironment].filter((each) => !inPolicy.has(each))).toEqual([]);
    },
  );

  it.each(FUNCTIONS)(
    '%s: each resource its policy names is in its environment, but its own log group and failure queue',
    (id) => {
      const inEnvironment = referencedIds(envOf(template, id));
      const inPolicy = referencedIds(statementsOfRole(template, roleOf(template, id)));
      inPolicy.delete(logGroupOf(template, id));
      if (id === 'Sender') inPolicy.delete(onFailureQueueOf(sender.logicalId));
      if (id === 'Feedback') inPolicy.delete(onFailureQueueOf(feedback.logicalId));
      expect([...inPolicy].filter((each) => !inEnvironment.has(each))).toEqual([]);
    },
  );

  it('no file in infra/ sets an environment variable but bind.ts', () => {
    const infra = path.join(PROJECT_ROOT, 'infra');
    const files = readdirSync(infra, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files).toContain(path.join('constructs', 'bind.ts'));
    const setting = files.filter((file) =>
      /\.addEnvironment\(/.test(readFileSync(path.join(infra, file), 'utf8')),
    );
    expect(setting).toEqual([path.join('constructs', 'bind.ts')]);
  });

  const scratch = () => {
    const stack = new Stack(newApp(), 'Scratch');
    const fn = serviceFunction(
      stack,
      'Fn',
      { entry: STUB_ENTRY, logRemovalPolicy: RemovalPolicy.DESTROY },
      {},
    );
    return { stack, fn };
  };

  it('configure refuses a variable that names a resource: that one needs its bind helper', () => {
    const { fn } = scratch();
    expect(() => configure(fn, { [ENV.tableName]: 'Interviews' } as never)).toThrow(/bind helper/);
    expect(() => configure(fn, { [ENV.counterSecretArn]: 'arn:aws:...' } as never)).toThrow(/bind helper/);
  });

  it('a variable bound twice must get the same value both times', () => {
    const { stack, fn } = scratch();
    configure(fn, { [ENV.apiKeySha256]: 'a'.repeat(64) });
    expect(() => configure(fn, { [ENV.apiKeySha256]: 'a'.repeat(64) })).not.toThrow();
    expect(() => configure(fn, { [ENV.apiKeySha256]: 'b'.repeat(64) })).toThrow(/already bound/);
    const storage = new Storage(stack, { removalPolicy: RemovalPolicy.DESTROY });
    bindTable(fn, storage, { items: ['GetItem'] });
    const other = new Storage(new Stack(stack.node.scope, 'Other'), { removalPolicy: RemovalPolicy.DESTROY });
    expect(() => bindTable(fn, other, { items: ['GetItem'] })).toThrow(/TABLE_NAME is already bound/);
    const target = {
      fn: serviceFunction(
        stack,
        'Target',
        { entry: STUB_ENTRY, logRemovalPolicy: RemovalPolicy.DESTROY },
        {},
      ),
      ownArn: '',
    };
    bindSender(fn, target);
    expect(() => bindSender(fn, target)).not.toThrow();
  });
});
