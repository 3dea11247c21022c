/**
 * The optional CloudFront + WAF rate rule in front of the API (`wafRateLimit`, infra/edge.ts).
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { InterviewFollowupStack } from '../../infra/stack.js';
import { ENV, loadApiConfig } from '../../lambdas/config.js';
import {
  DEPLOYED_VALUES,
  defaultStack,
  envOf,
  getAtt,
  type Json,
  loadDeployed,
  newApp,
  only,
  props,
  ref,
  resources,
  routeSettingsOf,
  SENDER,
  STUB_ENTRIES,
  synth,
} from './synth.js';

describe('InterviewFollowupStack (defaults)', () => {
  const { template } = defaultStack();

  it('no WAF, no CloudFront, no region rule unless wafRateLimit is set', () => {
    expect(resources(template, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(resources(template, 'AWS::CloudFront::Distribution')).toEqual([]);
    expect(Object.keys(template.toJSON().Rules ?? {})).toEqual(['CheckBootstrapVersion']);
    expect(template.toJSON().Outputs.CloudFrontUrl).toBeUndefined();
  });
});

describe('per-IP rate rule (wafRateLimit)', () => {
  const { template } = synth({ wafRateLimit: 1000 });
  const webAclId = only(
    resources(template, 'AWS::WAFv2::WebACL').map(([id]) => id),
    'web ACL',
  );
  const distributionId = only(
    resources(template, 'AWS::CloudFront::Distribution').map(([id]) => id),
    'distribution',
  );
  const httpApiId = only(
    resources(template, 'AWS::ApiGatewayV2::Api').map(([id]) => id),
    'HTTP API',
  );
  const config = props(template.findResources('AWS::CloudFront::Distribution')[distributionId] as Json)
    .DistributionConfig as Json;
  const cloudFrontUrl = { 'Fn::Join': ['', ['https://', getAtt(distributionId, 'DomainName')]] };

  it('a CloudFront-scoped web ACL that allows by default and answers 429 past the limit per IP per 5 minutes', () => {
    const acl = props(template.findResources('AWS::WAFv2::WebACL')[webAclId] as Json);
    expect(acl).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(acl.Name).toBeUndefined();
    expect(acl.Rules).toEqual([
      {
        Name: 'RatePerIp',
        Priority: 0,
        Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 1000, EvaluationWindowSec: 300 } },
        Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
        VisibilityConfig: {
          CloudWatchMetricsEnabled: true,
          SampledRequestsEnabled: true,
          MetricName: 'Test-rate-per-ip',
        },
      },
    ]);
  });

  it('the distribution carries the web ACL and forwards everything to the HTTP API over TLS 1.2, uncached', () => {
    expect(config.WebACLId).toEqual(getAtt(webAclId));
    expect(config.Origins).toEqual([
      {
        Id: (config.DefaultCacheBehavior as Json).TargetOriginId,
        DomainName: { 'Fn::Select': [2, { 'Fn::Split': ['/', getAtt(httpApiId, 'ApiEndpoint')] }] },
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      },
    ]);
    const behavior = config.DefaultCacheBehavior as Json;
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    expect(behavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      // Managed CachingDisabled: nothing cached, so the managed origin request policy may forward Authorization.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      // Managed AllViewerExceptHostHeader: every viewer header (Authorization, Idempotency-Key,
      // Content-Type, Accept, Origin, Sec-Fetch-Site), cookie and query string; Host stays the API's.
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    });
    expect(behavior.ForwardedValues).toBeUndefined();
    // IPv4 only: one IPv6 client holds a whole /64, which a per-address rule cannot hold.
    expect(config.IPV6Enabled).toBe(false);
    expect(config.Aliases).toBeUndefined();
  });

  it('emailed links use the CloudFront URL, unless publicUrl is set', () => {
    expect(envOf(template, 'Api')[ENV.publicUrl]).toEqual(cloudFrontUrl);
    template.hasOutput('CloudFrontUrl', { Value: cloudFrontUrl });
    const { config: apiConfig, unread } = loadDeployed(template, 'Api', loadApiConfig);
    expect(unread).toEqual([]);
    expect(apiConfig.publicUrl).toBe(DEPLOYED_VALUES[ENV.publicUrl]);
    const custom = synth({ wafRateLimit: 1000, publicUrl: 'https://followup.example.com' }).template;
    expect(envOf(custom, 'Api')[ENV.publicUrl]).toBe('https://followup.example.com');
  });

  it('keeps the route throttles behind CloudFront (they still limit the execute-api URL)', () => {
    expect(routeSettingsOf(template)['GET /cancel/{token}']).toEqual({
      ThrottlingRateLimit: 10,
      ThrottlingBurstLimit: 20,
    });
  });

  it('a template rule refuses deployment outside us-east-1', () => {
    const rules = template.toJSON().Rules as Record<string, { Assertions: Json[] }>;
    const regionRules = Object.entries(rules).filter(([id]) => id !== 'CheckBootstrapVersion');
    expect(regionRules).toHaveLength(1);
    expect(regionRules[0]?.[1].Assertions).toEqual([
      {
        Assert: { 'Fn::Equals': [ref('AWS::Region'), 'us-east-1'] },
        AssertDescription: expect.stringMatching(/wafRateLimit.*us-east-1/),
      },
    ]);
  });

  it('synth refuses a stack in another region, and accepts us-east-1', () => {
    const inRegion = (region: string) =>
      new InterviewFollowupStack(newApp(), `In-${region}`, {
        ...SENDER,
        entries: STUB_ENTRIES,
        env: { region },
        wafRateLimit: 500,
      });
    expect(() => inRegion('eu-west-1')).toThrow(/wafRateLimit needs the stack in us-east-1.*eu-west-1/);
    const stack = inRegion('us-east-1');
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
  });

  it('reads wafRateLimit from context; empty means no WAF', () => {
    const fromContext = synth({}, { wafRateLimit: '300' }).template;
    fromContext.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: [Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ Limit: 300 }) } })],
    });
    expect(resources(synth({}, { wafRateLimit: '' }).template, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(resources(synth({}, { wafRateLimit: '  ' }).template, 'AWS::CloudFront::Distribution')).toEqual(
      [],
    );
  });

  it.each([
    [{ wafRateLimit: 9 }, {}],
    [{ wafRateLimit: 2_000_000_001 }, {}],
    [{ wafRateLimit: 100.5 }, {}],
    [{}, { wafRateLimit: '0' }],
    [{}, { wafRateLimit: 'lots' }],
  ])('rejects wafRateLimit %j / context %j', (p, c) => {
    expect(() => synth(p, c)).toThrow(/wafRateLimit/);
  });

  it('no fixed physical names on the new resources', () => {
    for (const [type, nameProp] of [
      ['AWS::WAFv2::WebACL', 'Name'],
      ['AWS::SecretsManager::Secret', 'Name'],
    ] as const) {
      for (const [id, r] of resources(template, type)) expect(props(r)[nameProp], id).toBeUndefined();
    }
  });
});
