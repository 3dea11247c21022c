/**
 * The HTTP API: routes, throttles, stage and access log, the ApiUrl output
 * (infra/constructs/api.ts).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CANCEL_THROTTLE, DEFAULT_THROTTLE } from '../../infra/stack.js';
import {
  ANONYMOUS_ROUTES,
  DOCS_ROUTES,
  defaultStack,
  fn,
  getAtt,
  INTERVIEW_ROUTES,
  INVITE_ROUTES,
  idsOf,
  only,
  props,
  ref,
  resources,
  routeSettingsOf,
  SELF_SERVE_ROUTES,
  synth,
} from './synth.js';

describe('InterviewFollowupStack (defaults)', () => {
  const { template } = defaultStack();
  const { configSetId, api } = idsOf(template);

  it('HTTP API: exactly the thirteen routes and the self-serve ones, the description to the docs function and the rest to the api function', () => {
    const routes = resources(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => props(r));
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      [...INTERVIEW_ROUTES, ...ANONYMOUS_ROUTES, ...SELF_SERVE_ROUTES].sort(),
    );
    const integrations = new Map(
      resources(template, 'AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, props(r)]),
    );
    const docs = fn(template, 'Docs');
    const invite = fn(template, 'Invite');
    for (const route of routes) {
      const target = (route.Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][1] as {
        Ref: string;
      };
      const integration = integrations.get(target.Ref);
      expect(integration).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: getAtt(
          (DOCS_ROUTES.includes(String(route.RouteKey))
            ? docs
            : INVITE_ROUTES.includes(String(route.RouteKey))
              ? invite
              : api
          ).logicalId,
        ),
        PayloadFormatVersion: '2.0',
      });
    }
  });

  it('HTTP API: each /interviews route throttled 20/s burst 40, the cancel routes, /health and the description 10/s burst 20', () => {
    expect(DEFAULT_THROTTLE).toEqual({ rate: 20, burst: 40 });
    expect(DEFAULT_CANCEL_THROTTLE).toEqual({ rate: 10, burst: 20 });
    const integrators = { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 };
    const anonymous = { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 };
    expect(routeSettingsOf(template)).toEqual({
      'POST /interviews': integrators,
      'POST /interviews/preview': integrators,
      'GET /interviews/{id}': integrators,
      'PATCH /interviews/{id}': integrators,
      'DELETE /interviews/{id}': integrators,
      'POST /interviews/{id}/restore': integrators,
      'GET /cancel/{token}': anonymous,
      'HEAD /cancel/{token}': anonymous,
      'POST /cancel/{token}': anonymous,
      'POST /cancel/{token}/restore': anonymous,
      'GET /health': anonymous,
      'GET /openapi.json': anonymous,
      'GET /docs': anonymous,
      ...Object.fromEntries(SELF_SERVE_ROUTES.map((key) => [key, anonymous])),
    });
    // A route added later without its own settings falls to the stage default: the anonymous budget.
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: anonymous });
  });

  it('HTTP API: the stage is created after every route its RouteSettings name', () => {
    const [, stage] = only(resources(template, 'AWS::ApiGatewayV2::Stage'), 'stage');
    const routeIds = resources(template, 'AWS::ApiGatewayV2::Route').map(([id]) => id);
    expect(routeIds.length).toBeGreaterThan(0);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('HTTP API: $default stage, auto-deployed, access log without raw paths', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        Format: Match.stringLikeRegexp('\\$context\\.routeKey'),
        DestinationArn: Match.anyValue(),
      },
    });
    const stage = props(
      only(
        resources(template, 'AWS::ApiGatewayV2::Stage').map(([, r]) => r),
        'stage',
      ),
    );
    expect(JSON.stringify(stage.AccessLogSettings)).not.toMatch(/\$context\.path/);
  });

  it('outputs ApiUrl and the configuration set name', () => {
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    expect(JSON.stringify(template.toJSON().Outputs.ApiUrl.Value)).toContain('.execute-api.');
    template.hasOutput('SesConfigurationSet', { Value: ref(configSetId) });
  });
});

describe('InterviewFollowupStack settings', () => {
  it('props win over context', () => {
    const { template } = synth(
      { throttleRate: 5, throttleBurst: 10, cancelThrottleRate: 1, cancelThrottleBurst: 2 },
      { throttleRate: 99, cancelThrottleRate: 99 },
    );
    const routeSettings = routeSettingsOf(template);
    expect(routeSettings['POST /interviews']).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
    expect(routeSettings['POST /cancel/{token}']).toEqual({
      ThrottlingRateLimit: 1,
      ThrottlingBurstLimit: 2,
    });
  });

  it('the two throttle budgets are independent: changing one leaves the other at its default', () => {
    const cancelOnly = routeSettingsOf(synth({ cancelThrottleRate: 1, cancelThrottleBurst: 1 }).template);
    for (const key of INTERVIEW_ROUTES) {
      expect(cancelOnly[key], key).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    }
    const interviewsOnly = routeSettingsOf(synth({ throttleRate: 100, throttleBurst: 200 }).template);
    for (const key of ANONYMOUS_ROUTES) {
      expect(interviewsOnly[key], key).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    }
  });
});

/** Each route key and the logical id of the function its integration invokes. */
function targetsOf(template: Template): Map<string, string> {
  const integrations = new Map(
    resources(template, 'AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, props(r)]),
  );
  return new Map(
    resources(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => {
      const route = props(r);
      const target = (route.Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][1] as {
        Ref: string;
      };
      const uri = integrations.get(target.Ref)?.IntegrationUri as { 'Fn::GetAtt': [string, string] };
      return [String(route.RouteKey), uri['Fn::GetAtt'][0]];
    }),
  );
}

describe('InterviewFollowupStack selfServe (the self-serve pages)', () => {
  const anonymous = { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 };

  it('off (false, or unset with wafRateLimit): none of the self-serve routes', () => {
    for (const props of [{ selfServe: false }, { wafRateLimit: 1000 }]) {
      const { template } = synth(props);
      const keys = [...targetsOf(template).keys()];
      expect(
        keys.filter((key) => SELF_SERVE_ROUTES.includes(key)),
        JSON.stringify(props),
      ).toEqual([]);
      expect(Object.keys(routeSettingsOf(template)).filter((key) => SELF_SERVE_ROUTES.includes(key))).toEqual(
        [],
      );
    }
  });

  it('refuses selfServe with wafRateLimit: behind CloudFront the per-IP limit would be everyone’s', () => {
    expect(() => synth({ selfServe: true, wafRateLimit: 1000 })).toThrow(
      /selfServe cannot be on with wafRateLimit/,
    );
    expect(() => synth({}, { selfServe: 'true', wafRateLimit: '1000' })).toThrow(/per-IP limit/);
  });

  it('unset (the default): exactly the self-serve routes more, each to the api function (POST /invite to the invite function), on the anonymous budget', () => {
    const { template } = defaultStack();
    const targets = targetsOf(template);
    expect([...targets.keys()].sort()).toEqual(
      [...INTERVIEW_ROUTES, ...ANONYMOUS_ROUTES, ...SELF_SERVE_ROUTES].sort(),
    );
    const { api } = idsOf(template);
    const invite = fn(template, 'Invite');
    for (const key of SELF_SERVE_ROUTES) {
      expect(targets.get(key), key).toBe(INVITE_ROUTES.includes(key) ? invite.logicalId : api.logicalId);
    }
    const routeSettings = routeSettingsOf(template);
    expect(Object.keys(routeSettings).sort()).toEqual([...targets.keys()].sort());
    for (const key of SELF_SERVE_ROUTES) expect(routeSettings[key], key).toEqual(anonymous);
    // The existing routes keep their settings.
    expect(routeSettings['POST /interviews']).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    // CloudFormation refuses RouteSettings for a route not yet created: the stage waits for them too.
    const [, stage] = only(resources(template, 'AWS::ApiGatewayV2::Stage'), 'stage');
    const routeIds = resources(template, 'AWS::ApiGatewayV2::Route').map(([id]) => id);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('from context ("true", the default; "false"), following the cancel throttle settings; a prop wins', () => {
    const on = routeSettingsOf(
      synth({}, { selfServe: 'true', cancelThrottleRate: '3', cancelThrottleBurst: '4' }).template,
    );
    for (const key of [...SELF_SERVE_ROUTES, 'GET /cancel/{token}']) {
      expect(on[key], key).toEqual({ ThrottlingRateLimit: 3, ThrottlingBurstLimit: 4 });
    }
    for (const [p, c] of [
      [{}, { selfServe: 'false' }],
      [{ selfServe: false }, { selfServe: 'true' }],
    ] as const) {
      const keys = Object.keys(routeSettingsOf(synth(p, c).template));
      expect(
        keys.filter((key) => SELF_SERVE_ROUTES.includes(key)),
        JSON.stringify([p, c]),
      ).toEqual([]);
    }
  });
});
