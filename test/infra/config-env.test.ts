/**
 * Each function's synthesized environment, run through its real config loader, and the api
 * settings that end up in it (API key hash, limits, link allowlist, public URL).
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  ENV,
  LIMIT_VARIABLES,
  loadApiConfig,
  loadFeedbackConfig,
  loadInviteConfig,
  loadSenderConfig,
  loadSweepConfig,
} from '../../lambdas/config.js';
import { DEFAULT_LIMITS } from '../../lambdas/core/access.js';
import {
  arnOf,
  DEPLOYED_VALUES,
  defaultStack,
  envOf,
  GOOD_KEY,
  getAtt,
  idsOf,
  loadDeployed,
  logGroupOf,
  PLATFORM_VARIABLES,
  ref,
  resources,
  roleOf,
  statementsOfRole,
  synth,
  ZERO_KEY,
} from './synth.js';

describe('InterviewFollowupStack (defaults)', () => {
  const { stack, template } = defaultStack();
  const { tableId, groupId, configSetId, secretId, sender, schedulerRoleId, dlqId } = idsOf(template);

  it('api environment: loadApiConfig accepts it and reads every variable (PUBLIC_URL, LINK_ALLOWLIST only when configured)', () => {
    const env = envOf(template, 'Api');
    const { config, unread } = loadDeployed(template, 'Api', loadApiConfig);
    expect(unread).toEqual([]);
    expect(config).toMatchObject({
      tableName: DEPLOYED_VALUES[ENV.tableName],
      scheduleGroup: DEPLOYED_VALUES[ENV.scheduleGroup],
      senderFunctionArn: DEPLOYED_VALUES[ENV.senderFunctionArn],
      schedulerRoleArn: DEPLOYED_VALUES[ENV.schedulerRoleArn],
      scheduleDlqArn: DEPLOYED_VALUES[ENV.scheduleDlqArn],
      counterSecretArn: DEPLOYED_VALUES[ENV.counterSecretArn],
      apiKeySha256: ZERO_KEY,
      limits: DEFAULT_LIMITS,
      linkAllowlist: [],
    });
    expect(config.publicUrl).toBeUndefined();
    expect(config.counterSecret).toBeUndefined();
    // Every limit is set explicitly, from the same table the loader reads.
    for (const [field, variable] of LIMIT_VARIABLES)
      expect(env[ENV[variable]]).toBe(String(DEFAULT_LIMITS[field]));
    expect(env[ENV.publicUrl]).toBeUndefined();
    expect(env[ENV.linkAllowlist]).toBeUndefined();
    // ... and the references point at this stack's resources.
    expect(env[ENV.tableName]).toEqual(ref(tableId));
    expect(env[ENV.scheduleGroup]).toEqual(ref(groupId));
    expect(env[ENV.senderFunctionArn]).toEqual(getAtt(sender.logicalId));
    expect(env[ENV.schedulerRoleArn]).toEqual(getAtt(schedulerRoleId));
    expect(env[ENV.scheduleDlqArn]).toEqual(getAtt(dlqId));
    expect(env[ENV.counterSecretArn]).toEqual(ref(secretId));
  });

  it('sender environment: loadSenderConfig accepts it and reads every variable, its own ARN included', () => {
    const { config, unread } = loadDeployed(template, 'Sender', loadSenderConfig);
    expect(unread).toEqual([]);
    expect(config.senderAddress).toBe('followup@example.com');
    const env = envOf(template, 'Sender');
    expect(Object.keys(env).sort()).toEqual(
      [
        ENV.tableName,
        ENV.senderAddress,
        ENV.sesConfigurationSet,
        ENV.scheduleGroup,
        ENV.senderFunctionArn,
        ENV.schedulerRoleArn,
        ENV.scheduleDlqArn,
        ...PLATFORM_VARIABLES,
      ].sort(),
    );
    expect(env[ENV.tableName]).toEqual(ref(tableId));
    expect(env[ENV.senderAddress]).toBe('followup@example.com');
    expect(env[ENV.sesConfigurationSet]).toEqual(ref(configSetId));
    expect(env[ENV.scheduleGroup]).toEqual(ref(groupId));
    expect(env[ENV.schedulerRoleArn]).toEqual(getAtt(schedulerRoleId));
    expect(env[ENV.scheduleDlqArn]).toEqual(getAtt(dlqId));
    // Its own ARN, built from its name: a GetAtt of itself would be a circular dependency.
    expect(sender.properties.FunctionName).toBe('Test-sender');
    expect(env[ENV.senderFunctionArn]).toEqual(arnOf('lambda', 'function:Test-sender'));
  });

  it('feedback environment: loadFeedbackConfig accepts it and reads every variable', () => {
    const { config, unread } = loadDeployed(template, 'Feedback', loadFeedbackConfig);
    expect(unread).toEqual([]);
    expect(config.counterSecretArn).toBe(DEPLOYED_VALUES[ENV.counterSecretArn]);
    const env = envOf(template, 'Feedback');
    expect(Object.keys(env).sort()).toEqual(
      [ENV.tableName, ENV.scheduleGroup, ENV.counterSecretArn, ...PLATFORM_VARIABLES].sort(),
    );
    expect(env[ENV.tableName]).toEqual(ref(tableId));
    expect(env[ENV.scheduleGroup]).toEqual(ref(groupId));
    // The api's secret: the suppression list is named by the same HMAC the api reads it by.
    expect(env[ENV.counterSecretArn]).toEqual(ref(secretId));
  });

  it('sweep environment: loadSweepConfig accepts it and reads every variable', () => {
    const env = envOf(template, 'Sweep');
    expect(Object.keys(env).sort()).toEqual(
      [ENV.tableName, ENV.senderFunctionArn, ...PLATFORM_VARIABLES].sort(),
    );
    expect(env.POWERTOOLS_SERVICE_NAME).toBe('Test');
    const { config, unread } = loadDeployed(template, 'Sweep', loadSweepConfig);
    expect(unread).toEqual([]);
    expect(config.tableName).toBe(DEPLOYED_VALUES[ENV.tableName]);
    expect(config.senderFunctionArn).toBe(DEPLOYED_VALUES[ENV.senderFunctionArn]);
  });

  /** A function with the platform's variables only, whose role may write its own log group and nothing else. */
  const expectLogsOnly = (id: 'Docs' | 'Invite') => {
    expect(Object.keys(envOf(template, id)).sort()).toEqual([...PLATFORM_VARIABLES].sort());
    const statements = statementsOfRole(template, roleOf(template, id));
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    expect(JSON.stringify(statements)).toContain(logGroupOf(template, id));
  };

  it('docs environment: only the platform variables; its role may write its own log group and nothing else', () => {
    expectLogsOnly('Docs');
  });

  it('invite environment: the platform variables, PUBLIC_URL when set, read by loadInviteConfig; its role may write its own log group and nothing else', () => {
    expectLogsOnly('Invite');
    const withUrl = synth({ publicUrl: 'https://followup.example.com' }).template;
    expect(envOf(withUrl, 'Invite')[ENV.publicUrl]).toBe('https://followup.example.com');
    const { config, unread } = loadDeployed(withUrl, 'Invite', loadInviteConfig);
    // It reaches no AWS service, so the region Lambda sets goes unread.
    expect(unread).toEqual(['AWS_REGION']);
    expect(config.publicUrl).toBe('https://followup.example.com');
    // Without the self-serve pages there is no invite function.
    const off = synth({ selfServe: false }).template;
    expect(resources(off, 'AWS::Lambda::Function').some(([id]) => id.startsWith('Invite'))).toBe(false);
  });

  it('no API key configured: API_KEY_SHA256 is 64 zeros and a warning says how to set one', () => {
    expect(envOf(template, 'Api')[ENV.apiKeySha256]).toBe(ZERO_KEY);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('apiKeySha256.*sha256sum'));
  });
});

describe('InterviewFollowupStack settings', () => {
  it('uses a configured API key hash, without a warning', () => {
    const { stack, template } = synth({ apiKeySha256: GOOD_KEY });
    expect(envOf(template, 'Api')[ENV.apiKeySha256]).toBe(GOOD_KEY);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('apiKeySha256'));
  });

  it.each(['abc', `${GOOD_KEY}0`, 'g'.repeat(64), 'secret'])('rejects apiKeySha256 %j at synth', (key) => {
    expect(() => synth({ apiKeySha256: key })).toThrow(/apiKeySha256 must be the hex SHA-256/);
  });

  it('passes the limits to the api, defaults from DEFAULT_LIMITS (30/min, 500/day, 3, 10, 5, 60/min, 5/h)', () => {
    const defaults = envOf(synth().template, 'Api');
    expect(LIMIT_VARIABLES.map(([, variable]) => defaults[ENV[variable]])).toEqual([
      '30',
      '500',
      '3',
      '10',
      '5',
      '60',
      '5',
    ]);
    const context = {
      limitPerMinute: '5',
      limitPerDay: '50',
      limitPerInterviewerPerDay: '1',
      limitPerInterviewerAllKeysPerDay: '4',
      limitPerCandidatePerDay: '2',
      limitPreviewsPerMinute: '7',
      limitSelfServePerIpPerHour: '3',
    };
    const { template } = synth({}, context);
    const set = envOf(template, 'Api');
    expect(LIMIT_VARIABLES.map(([, variable]) => set[ENV[variable]])).toEqual([
      '5',
      '50',
      '1',
      '4',
      '2',
      '7',
      '3',
    ]);
    expect(loadDeployed(template, 'Api', loadApiConfig).config.limits).toEqual({
      perMinute: 5,
      perDay: 50,
      perInterviewerPerDay: 1,
      perInterviewerAllKeysPerDay: 4,
      perCandidatePerDay: 2,
      previewsPerMinute: 7,
      selfServePerIpPerHour: 3,
    });
    // Props win over context here too.
    expect(
      envOf(synth({ limitPreviewsPerMinute: 9 }, context).template, 'Api')[ENV.limitPreviewsPerMinute],
    ).toBe('9');
    // Unset, the all-keys interviewer limit follows a higher per-key one, as the function's own
    // config does (lambdas/core/access.ts limitsFrom).
    const raised = envOf(synth({ limitPerInterviewerPerDay: 20 }).template, 'Api');
    expect(raised[ENV.limitPerInterviewerAllKeysPerDay]).toBe('20');
  });

  it.each([
    [{ limitPerMinute: 1.5 }, {}, /limit perMinute/],
    [{ limitPerInterviewerAllKeysPerDay: 0.5 }, {}, /limit perInterviewerAllKeysPerDay/],
    [{}, { limitPerCandidatePerDay: '0' }, /limitPerCandidatePerDay/],
    [{}, { limitPreviewsPerMinute: 'many' }, /limitPreviewsPerMinute/],
  ])('rejects limit %j / context %j at synth', (p, c, message) => {
    expect(() => synth(p, c)).toThrow(message);
  });

  it('linkAllowlist: unset sets no LINK_ALLOWLIST; a list is trimmed, lower-cased and passed on', () => {
    expect(envOf(synth({}, { linkAllowlist: '' }).template, 'Api')[ENV.linkAllowlist]).toBeUndefined();
    expect(envOf(synth({}, { linkAllowlist: ' , ' }).template, 'Api')[ENV.linkAllowlist]).toBeUndefined();
    const { template } = synth({}, { linkAllowlist: ' Example.com, docs.example.org ,example.com' });
    expect(envOf(template, 'Api')[ENV.linkAllowlist]).toBe('example.com,docs.example.org');
    const { config, unread } = loadDeployed(template, 'Api', loadApiConfig);
    expect(unread).toEqual([]);
    expect(config.linkAllowlist).toEqual(['example.com', 'docs.example.org']);
    expect(envOf(synth({ linkAllowlist: 'example.org' }).template, 'Api')[ENV.linkAllowlist]).toBe(
      'example.org',
    );
  });

  it.each(['https://example.com', 'example.com/path', 'localhost', 'exa mple.com', '*.example.com'])(
    'rejects linkAllowlist entry %j',
    (domain) => {
      expect(() => synth({ linkAllowlist: `example.org,${domain}` })).toThrow(/linkAllowlist must be/);
    },
  );

  it('selfServe: unset or true sets SELF_SERVE=on, which loadApiConfig reads; false sets none (off)', () => {
    const { template: off } = synth({ selfServe: false });
    expect(envOf(off, 'Api')[ENV.selfServe]).toBeUndefined();
    expect(loadDeployed(off, 'Api', loadApiConfig).config.selfServe).toBe(false);
    const { template } = defaultStack();
    expect(envOf(template, 'Api')[ENV.selfServe]).toBe('on');
    const { config, unread } = loadDeployed(template, 'Api', loadApiConfig);
    expect(unread).toEqual([]);
    expect(config.selfServe).toBe(true);
    // The api function's alone.
    for (const id of ['Sender', 'Feedback', 'Sweep', 'Docs', 'Invite'] as const) {
      expect(envOf(template, id)[ENV.selfServe], id).toBeUndefined();
    }
    expect(envOf(synth({}, { selfServe: 'true' }).template, 'Api')[ENV.selfServe]).toBe('on');
    expect(envOf(synth({}, { selfServe: 'false' }).template, 'Api')[ENV.selfServe]).toBeUndefined();
  });

  it('sets PUBLIC_URL only when publicUrl is given', () => {
    const { template } = synth({ publicUrl: 'https://followup.example.com' });
    expect(envOf(template, 'Api')[ENV.publicUrl]).toBe('https://followup.example.com');
    expect(() => synth({ publicUrl: 'followup.example.com' })).toThrow(/publicUrl/);
    // A path would send the link to one place and the cancel form's POST to another.
    expect(() => synth({ publicUrl: 'https://example.com/followup' })).toThrow(
      /publicUrl must be an http\(s\) origin without a path/,
    );
    expect(envOf(synth({ publicUrl: 'https://followup.example.com/' }).template, 'Api')[ENV.publicUrl]).toBe(
      'https://followup.example.com/',
    );
  });
});
