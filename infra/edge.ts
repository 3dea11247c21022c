/**
 * The optional per-IP rate rule (context `wafRateLimit`). AWS WAF cannot be associated with an
 * API Gateway HTTP API (only with REST APIs, CloudFront, ALB, AppSync, Cognito, App Runner, ...),
 * so the rule sits in a WAFv2 web ACL on a CloudFront distribution in front of the HTTP API.
 * A CloudFront web ACL (scope CLOUDFRONT) can only be created in us-east-1, and it lives in this
 * stack, so the stack must then be deployed there: synth refuses another known region, and a
 * template rule makes CloudFormation refuse an environment-agnostic template anywhere else.
 *
 * What this does not do: the HTTP API's own execute-api URL stays reachable. Requests sent there
 * skip CloudFront and the rule; the stage's route throttles are all that limits them (see README).
 */
import { Aws, CfnRule, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** AWS WAF's bounds for a rate-based rule's limit (requests per evaluation window). */
export const WAF_RATE_LIMIT_RANGE = { min: 10, max: 2_000_000_000 } as const;
/** The window the limit counts in: 5 minutes, so `wafRateLimit` is "requests per 5 minutes per IP". */
export const WAF_EVALUATION_WINDOW_SECONDS = 300;
/** CloudFront-scoped WAF resources exist only in this region. */
export const CLOUDFRONT_WAF_REGION = 'us-east-1';

export interface RateLimitedEdgeProps {
  readonly httpApi: HttpApi;
  /** Requests per 5 minutes from one IP address before WAF answers 429 to it. */
  readonly requestsPerFiveMinutes: number;
}

export class RateLimitedEdge extends Construct {
  readonly webAcl: CfnWebACL;
  readonly distribution: Distribution;
  /** `https://<id>.cloudfront.net`, no trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: RateLimitedEdgeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && stack.region !== CLOUDFRONT_WAF_REGION) {
      throw new Error(
        `wafRateLimit needs the stack in ${CLOUDFRONT_WAF_REGION}: the rule is a CloudFront web ACL, which AWS ` +
          `only creates in ${CLOUDFRONT_WAF_REGION}, and this stack is for ${stack.region}. Deploy to ` +
          `${CLOUDFRONT_WAF_REGION} (with the SES identity there too) or leave wafRateLimit unset.`,
      );
    }
    // The template itself is region-agnostic: CloudFormation checks this before creating anything.
    new CfnRule(this, 'RequiresUsEast1', {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, CLOUDFRONT_WAF_REGION),
          assertDescription:
            `With wafRateLimit set this stack must be deployed in ${CLOUDFRONT_WAF_REGION}: its CloudFront web ACL ` +
            `can only be created there. Deploy to ${CLOUDFRONT_WAF_REGION} or synthesize without wafRateLimit.`,
        },
      ],
    });

    const metricPrefix = stack.stackName;
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      description: `${stack.stackName}: per-IP rate rule in front of the interview-followup API`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules: [
        {
          name: 'RatePerIp',
          priority: 0,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.requestsPerFiveMinutes,
              evaluationWindowSec: WAF_EVALUATION_WINDOW_SECONDS,
            },
          },
          // 429, not WAF's default 403: clients and integrators read it as "slow down".
          action: { block: { customResponse: { responseCode: 429 } } },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            sampledRequestsEnabled: true,
            metricName: `${metricPrefix}-rate-per-ip`,
          },
        },
      ],
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        sampledRequestsEnabled: true,
        metricName: `${metricPrefix}-web-acl`,
      },
    });

    // The HTTP API's endpoint is https://<api-id>.execute-api.<region>.<suffix>: the origin is its host.
    const apiHost = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${stack.stackName}: the interview-followup API behind the per-IP rate rule`,
      defaultBehavior: {
        origin: new HttpOrigin(apiHost, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
        }),
        // Intake, preview and erasure are POST/DELETE; the cancel page is GET/HEAD/POST.
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachedMethods: CachedMethods.CACHE_GET_HEAD,
        // Nothing is cached: every answer depends on the key, the token or the moment.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // Every viewer header (Authorization, Idempotency-Key, Content-Type, Accept, and the
        // Origin / Sec-Fetch-Site the cancel form's cross-site check reads), every query string
        // and cookie; only Host becomes the API's own, which API Gateway needs to route the request.
        // With caching disabled this managed policy may forward Authorization (a custom origin
        // request policy may not).
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        compress: false,
      },
      // One IPv6 client holds a whole /64 of addresses, so a per-address rule would not hold it.
      enableIpv6: false,
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America and Europe edges (the cheapest); viewers elsewhere are served from them.
      priceClass: PriceClass.PRICE_CLASS_100,
      webAclId: this.webAcl.attrArn,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    const resource = this.distribution.node.defaultChild ?? this.distribution;
    const acknowledge = (rule: string, reason: string) =>
      Validations.of(resource).acknowledge({ id: rule, reason });
    acknowledge(
      'AwsSolutions-CFR1',
      'Integrators and email recipients may be anywhere; the per-IP rate rule, not geography, is what limits abuse.',
    );
    acknowledge(
      'AwsSolutions-CFR3',
      "Standard logging needs an S3 bucket with ACLs enabled; every request CloudFront forwards is in the HTTP API's " +
        'access log, and those the rate rule blocks are in the web ACL metrics and sampled requests.',
    );
    acknowledge(
      'AwsSolutions-CFR4',
      'The distribution has no custom domain, so it uses the *.cloudfront.net certificate, whose security policy ' +
        'CloudFront fixes at TLSv1; the origin connection is TLSv1.2 only.',
    );
  }
}
