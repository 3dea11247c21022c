/**
 * The HTTP API in front of the api function (eleven routes, five more with `selfServe`) and the
 * docs function (two), none with an API Gateway authorizer (the function checks the API key, the
 * cancel and manage tokens are their own credentials, the description and the self-serve form are
 * public), a route throttle per budget, the `$default` stage and its access log. The optional
 * CloudFront + WAF edge in front of it is infra/edge.ts.
 */
import type { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { acknowledge } from './nag.js';

export interface Throttle {
  readonly rate: number;
  readonly burst: number;
}

/** The self-serve routes `selfServe` adds: the form, its preview, the manage page and its actions. */
export const SELF_SERVE_ROUTES: readonly (readonly [HttpMethod, string])[] = [
  [HttpMethod.GET, '/'],
  [HttpMethod.HEAD, '/'],
  [HttpMethod.POST, '/'],
  [HttpMethod.POST, '/preview'],
  [HttpMethod.POST, '/invite'],
  [HttpMethod.GET, '/manage/{token}'],
  [HttpMethod.HEAD, '/manage/{token}'],
  [HttpMethod.POST, '/manage/{token}/confirm'],
  [HttpMethod.POST, '/manage/{token}/cancel'],
  [HttpMethod.POST, '/manage/{token}/restore'],
  [HttpMethod.GET, '/manage/{token}/edit'],
  [HttpMethod.HEAD, '/manage/{token}/edit'],
  [HttpMethod.POST, '/manage/{token}/edit'],
  [HttpMethod.POST, '/manage/{token}/erase'],
];

export interface PublicApiProps {
  /** The api function: every route but the description's goes to it. */
  readonly handler: IFunction;
  /** The docs function: `GET /openapi.json` and `GET /docs`. */
  readonly docs: IFunction;
  /** The integrators' budget (`/interviews…`) and the anonymous one (`/cancel/{token}`, `/health`). */
  readonly throttle: { readonly interviews: Throttle; readonly cancel: Throttle };
  /**
   * The self-serve routes too (`SELF_SERVE_ROUTES`), on the anonymous budget: `POST /invite` to
   * the invite function, the others to the api function.
   */
  readonly selfServe?: { readonly invite: IFunction };
  /** The access log's: kept with the data (`retainData`). */
  readonly logRemovalPolicy: RemovalPolicy;
}

/** A flat construct: `HttpApi` and `ApiAccessLogs` are direct children of the stack. */
export class PublicApi {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Stack, props: PublicApiProps) {
    this.httpApi = new HttpApi(scope, 'HttpApi', {
      apiName: scope.stackName,
      description: 'interview-followup: intake, preview, status, erasure and cancel page',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(scope, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });
    const stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // The stage default: any route without settings of its own (there is none) gets the
      // anonymous budget. Each route's own throttle is set below.
      throttle: { rateLimit: props.throttle.cancel.rate, burstLimit: props.throttle.cancel.burst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // routeKey is the route template ("GET /cancel/{token}"), so cancel tokens stay out of logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.stage = stage;

    const integration = new HttpLambdaIntegration('ApiIntegration', props.handler);
    const docs = new HttpLambdaIntegration('DocsIntegration', props.docs);
    const byKey = 'the function checks the bearer API key';
    const byToken = 'the secret token in the emailed link is the credential';
    const described = 'the API description is public, as any API reference is';
    const publicForm =
      'the self-serve form is public by design: nothing is scheduled until the candidate confirms ' +
      'from the emailed link, and submissions are limited per client IP';
    const byManageToken = 'the secret token in the emailed verify or confirmation link is the credential';
    // Each route's throttle budget: the integrators' (`throttleRate`/`throttleBurst`) or the
    // anonymous one (`cancelThrottleRate`/`cancelThrottleBurst`).
    type Route = readonly [string, HttpMethod, string, 'interviews' | 'cancel', HttpLambdaIntegration];
    // The self-serve pages (lambdas/api/web.tsx, manage.tsx; Hono answers HEAD from GET, API
    // Gateway needs a route of its own), anonymous like the cancel page.
    const invite = props.selfServe && new HttpLambdaIntegration('InviteIntegration', props.selfServe.invite);
    const selfServe: readonly Route[] = invite
      ? SELF_SERVE_ROUTES.map(([method, path]) => [
          path,
          method,
          path.startsWith('/manage/') ? byManageToken : publicForm,
          'cancel',
          path === '/invite' ? invite : integration,
        ])
      : [];
    const routes: readonly Route[] = [
      ['/interviews', HttpMethod.POST, byKey, 'interviews', integration],
      ['/interviews/preview', HttpMethod.POST, byKey, 'interviews', integration],
      ['/interviews/{id}', HttpMethod.GET, byKey, 'interviews', integration],
      ['/interviews/{id}', HttpMethod.PATCH, byKey, 'interviews', integration],
      ['/interviews/{id}', HttpMethod.DELETE, byKey, 'interviews', integration],
      ['/interviews/{id}/restore', HttpMethod.POST, byKey, 'interviews', integration],
      ['/cancel/{token}', HttpMethod.GET, byToken, 'cancel', integration],
      ['/cancel/{token}', HttpMethod.HEAD, byToken, 'cancel', integration],
      ['/cancel/{token}', HttpMethod.POST, byToken, 'cancel', integration],
      ['/cancel/{token}/restore', HttpMethod.POST, byToken, 'cancel', integration],
      ['/health', HttpMethod.GET, 'a public health check that reveals nothing', 'cancel', integration],
      ['/openapi.json', HttpMethod.GET, described, 'cancel', docs],
      ['/docs', HttpMethod.GET, described, 'cancel', docs],
      ...selfServe,
    ];
    // HttpStage has no route-settings prop, so they go on its CfnStage (RouteSettings, keyed by
    // route key). CloudFormation refuses settings for a route key that does not exist yet: the
    // stage depends on every route.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const [routePath, method, auth, budget, target] of routes) {
      for (const route of this.httpApi.addRoutes({
        path: routePath,
        methods: [method],
        integration: target,
      })) {
        acknowledge(
          route,
          'AwsSolutions-APIG4',
          `${method} ${routePath} needs no API Gateway authorizer: ${auth}.`,
        );
        stage.node.addDependency(route);
      }
      const throttle = props.throttle[budget];
      routeSettings[`${method} ${routePath}`] = {
        ThrottlingRateLimit: throttle.rate,
        ThrottlingBurstLimit: throttle.burst,
      };
    }
    (stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
  }
}
