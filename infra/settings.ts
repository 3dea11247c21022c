/**
 * The stack's settings: each from a prop or else from CDK context under the same name, checked at
 * synth with the functions' own patterns (lambdas/config.ts), so a value synth accepts cannot fail
 * a function's cold start.
 */
import { Annotations, type Stack, type StackProps } from 'aws-cdk-lib';
import { DOMAIN_NAME, EMAIL_ADDRESS, LIMIT_VARIABLES, PUBLIC_URL } from '../lambdas/config.js';
import { DEFAULT_LIMITS, type Limits, limitsFrom } from '../lambdas/core/access.js';
import type { Throttle } from './constructs/api.js';
import { DEFAULT_ENTRIES } from './constructs/functions.js';
import { WAF_RATE_LIMIT_RANGE } from './edge.js';

/** Stands for "no key configured": no input hashes to it, so the API rejects every key. */
export const NO_API_KEY_SHA256 = '0'.repeat(64);

/** Route throttle of each `/interviews…` route (the integrators' budget): requests per second, burst. */
export const DEFAULT_THROTTLE = { rate: 20, burst: 40 } as const;
/**
 * Route throttle of each unauthenticated route (`/cancel/{token}`, `/health`, the description and,
 * with `selfServe`, the self-serve pages) and the stage default: its own budget, so anonymous
 * traffic there cannot push integrators into 429s.
 */
export const DEFAULT_CANCEL_THROTTLE = { rate: 10, burst: 20 } as const;

/**
 * Every value can also come from CDK context (`-c key=value` or `cdk.json`) under the same name;
 * a prop, when given, wins over the context.
 */
export interface InterviewFollowupStackProps extends StackProps {
  /** From address of every email, e.g. `followup@example.com`. Context `senderAddress`. */
  readonly senderAddress?: string;
  /** SES identity (domain) the sender address belongs to. Context `senderDomain`. */
  readonly senderDomain?: string;
  /** Hex SHA-256 of the intake API key; empty means "not configured". Context `apiKeySha256`. */
  readonly apiKeySha256?: string;
  /** Public base URL for emailed links (custom domain); empty means the API's own URL. Context `publicUrl`. */
  readonly publicUrl?: string;
  /** Steady-state requests per second of each `/interviews…` route. Context `throttleRate`, default 20. */
  readonly throttleRate?: number;
  /** Burst limit of each `/interviews…` route. Context `throttleBurst`, default 40. */
  readonly throttleBurst?: number;
  /**
   * Steady-state requests per second of each `/cancel/{token}` route and `/health` (and the stage
   * default, the description and the self-serve routes). Context `cancelThrottleRate`, default 10.
   */
  readonly cancelThrottleRate?: number;
  /** Burst limit of the same routes. Context `cancelThrottleBurst`, default 20. */
  readonly cancelThrottleBurst?: number;
  /**
   * Requests per 5 minutes per client IP before AWS WAF answers 429. Set: a CloudFront distribution
   * with a WAF web ACL goes in front of the API, and the stack must be deployed in us-east-1 (see
   * infra/edge.ts). Context `wafRateLimit`; unset or empty (the default): no WAF, no CloudFront.
   */
  readonly wafRateLimit?: number;
  /** Submissions per API key per minute. Context `limitPerMinute`, default 30. */
  readonly limitPerMinute?: number;
  /** Submissions per API key per day. Context `limitPerDay`, default 500. */
  readonly limitPerDay?: number;
  /** Interviews per API key per interviewer address per day. Context `limitPerInterviewerPerDay`, default 3. */
  readonly limitPerInterviewerPerDay?: number;
  /**
   * Interviews per interviewer address per day, whichever keys submit them.
   * Context `limitPerInterviewerAllKeysPerDay`, default 10.
   */
  readonly limitPerInterviewerAllKeysPerDay?: number;
  /** Confirmations per candidate address per day, whichever keys submit them. Context `limitPerCandidatePerDay`, default 5. */
  readonly limitPerCandidatePerDay?: number;
  /** Previews per API key per minute. Context `limitPreviewsPerMinute`, default 60. */
  readonly limitPreviewsPerMinute?: number;
  /** Self-serve submissions per client IP per hour. Context `limitSelfServePerIpPerHour`, default 5. */
  readonly limitSelfServePerIpPerHour?: number;
  /**
   * Comma-separated domains that links in submitted texts may point to, e.g. `example.com,example.org`.
   * Context `linkAllowlist`; empty (the default) means no links are allowed.
   */
  readonly linkAllowlist?: string;
  /**
   * Serve the self-serve pages (docs/self-serve.md): the api gets `SELF_SERVE=on` and the HTTP API
   * the form's, the preview's and the manage page's routes (`SELF_SERVE_ROUTES` in
   * infra/constructs/api.ts), throttled like the cancel routes. Context `selfServe`
   * (`true`/`false`); default true, but false with `wafRateLimit`, and refused with it: behind
   * CloudFront the HTTP API sees CloudFront's address, not the client's, so the form's per-IP
   * limit would be one for everyone who shares an edge location (README, "Self-serve on AWS").
   */
  readonly selfServe?: boolean;
  /** Where alarm notifications go (an SNS email subscription); empty means no topic. Context `alarmEmail`. */
  readonly alarmEmail?: string;
  /**
   * Keep the table (and the log groups) when the stack is deleted. Context `retainData`, default
   * true; `false` deletes them with the stack (for throwaway stages).
   */
  readonly retainData?: boolean;
  /**
   * Handler entry files. Defaults to the handlers in `lambdas/` (DEFAULT_ENTRIES).
   * Only tests that skip bundling (context `aws:cdk:bundling-stacks: []`) should point these
   * elsewhere (NodejsFunction checks that the entry file exists even when it does not bundle).
   */
  readonly entries?: {
    readonly api: string;
    readonly sender: string;
    readonly feedback: string;
    readonly sweep: string;
    readonly docs: string;
    readonly invite: string;
  };
  /**
   * The SES account is still in the sandbox: there SES also checks the sender's permission
   * against each *recipient's* identity, so the sender may then send as any verified identity of
   * the account (and only to verified recipients, as the sandbox allows). Context `sesSandbox`,
   * default false; leave the sandbox before real use.
   */
  readonly sesSandbox?: boolean;
}

/** The settings as the stack uses them: checked, trimmed, defaults applied. */
export interface Settings {
  readonly limits: Limits;
  /** Lower-cased, deduplicated; empty: no links allowed. */
  readonly linkAllowlist: readonly string[];
  readonly senderAddress: string;
  /** What SES may authorize a send from senderAddress against: the domain, the address's domain, the address. */
  readonly sesIdentities: readonly string[];
  /** The configured hash, or NO_API_KEY_SHA256. */
  readonly apiKeySha256: string;
  /** Empty: none configured. */
  readonly publicUrl: string;
  readonly throttle: { readonly interviews: Throttle; readonly cancel: Throttle };
  /** Undefined: no WAF, no CloudFront. */
  readonly wafRateLimit: number | undefined;
  /** Empty: no alarm topic. */
  readonly alarmEmail: string;
  readonly retainData: boolean;
  readonly sesSandbox: boolean;
  /** SELF_SERVE=on and the self-serve routes. */
  readonly selfServe: boolean;
  readonly entries: NonNullable<InterviewFollowupStackProps['entries']>;
}

export function readSettings(scope: Stack, props: InterviewFollowupStackProps): Settings {
  const senderAddress = stringSetting(scope, 'senderAddress', props.senderAddress).trim();
  const senderDomain = stringSetting(scope, 'senderDomain', props.senderDomain).trim().toLowerCase();
  const apiKeySha256 = stringSetting(scope, 'apiKeySha256', props.apiKeySha256, '').trim().toLowerCase();
  const publicUrl = stringSetting(scope, 'publicUrl', props.publicUrl, '').trim();

  if (!DOMAIN_NAME.test(senderDomain)) {
    throw new Error(`senderDomain must be a domain name such as example.com, got "${senderDomain}"`);
  }
  const at = senderAddress.lastIndexOf('@');
  const addressDomain = senderAddress.slice(at + 1).toLowerCase();
  // The sender function's own check (lambdas/config.ts), so synth refuses what it would refuse.
  if (!EMAIL_ADDRESS.test(senderAddress)) {
    throw new Error(
      `senderAddress must be an email address such as followup@${senderDomain}, got "${senderAddress}"`,
    );
  }
  if (addressDomain !== senderDomain && !addressDomain.endsWith(`.${senderDomain}`)) {
    throw new Error(
      `senderAddress "${senderAddress}" must be in senderDomain "${senderDomain}" (or a subdomain of it): ` +
        'SES only sends from verified identities and the sender may only use that one.',
    );
  }
  const sesIdentities = [...new Set([senderDomain, addressDomain, senderAddress])];

  let apiKey = apiKeySha256;
  if (apiKey === '') {
    apiKey = NO_API_KEY_SHA256;
    Annotations.of(scope).addWarning(
      'apiKeySha256 is not set, so the deployment has no API key of its own: only keys stored with ' +
        '`npm run api-key` are accepted. To set one, deploy with: npx cdk deploy -c apiKeySha256=$(printf %s "$KEY" | sha256sum | cut -d\' \' -f1)',
    );
  } else if (!/^[0-9a-f]{64}$/.test(apiKey)) {
    throw new Error(
      'apiKeySha256 must be the hex SHA-256 of the API key (64 characters 0-9a-f), e.g. ' +
        `-c apiKeySha256=$(printf %s "$KEY" | sha256sum | cut -d' ' -f1); got ${apiKey.length} characters`,
    );
  }

  // An origin only: the cancel page's form posts to /cancel/{token} on the host it was served
  // from, so a base with a path would send the link to one place and the form to another.
  if (publicUrl !== '' && !PUBLIC_URL.test(publicUrl)) {
    throw new Error(
      `publicUrl must be an http(s) origin without a path, such as https://followup.example.com, got "${publicUrl}"`,
    );
  }

  const alarmEmail = stringSetting(scope, 'alarmEmail', props.alarmEmail, '').trim();
  if (alarmEmail !== '' && !EMAIL_ADDRESS.test(alarmEmail)) {
    throw new Error(`alarmEmail must be an email address such as ops@example.com, got "${alarmEmail}"`);
  }
  const retainData = booleanSetting(scope, 'retainData', props.retainData, true);

  const throttleSetting = (
    [rateKey, burstKey]: readonly [string, string],
    defaults: { readonly rate: number; readonly burst: number },
    rate: number | undefined,
    burst: number | undefined,
  ) => {
    const setting = {
      rate: numberSetting(scope, rateKey, rate, defaults.rate),
      burst: numberSetting(scope, burstKey, burst, defaults.burst),
    };
    if (!Number.isInteger(setting.burst)) {
      throw new Error(`${burstKey} must be a whole number, got ${setting.burst}`);
    }
    return setting;
  };
  const throttle = {
    interviews: throttleSetting(
      ['throttleRate', 'throttleBurst'],
      DEFAULT_THROTTLE,
      props.throttleRate,
      props.throttleBurst,
    ),
    cancel: throttleSetting(
      ['cancelThrottleRate', 'cancelThrottleBurst'],
      DEFAULT_CANCEL_THROTTLE,
      props.cancelThrottleRate,
      props.cancelThrottleBurst,
    ),
  };

  const waf: unknown = props.wafRateLimit ?? scope.node.tryGetContext('wafRateLimit');
  let wafRateLimit: number | undefined;
  if (waf !== undefined && waf !== null && !(typeof waf === 'string' && waf.trim() === '')) {
    wafRateLimit = numberSetting(scope, 'wafRateLimit', props.wafRateLimit, 0);
    const { min, max } = WAF_RATE_LIMIT_RANGE;
    if (!Number.isInteger(wafRateLimit) || wafRateLimit < min || wafRateLimit > max) {
      throw new Error(
        `wafRateLimit must be a whole number of requests per 5 minutes per IP from ${min} to ${max} ` +
          `(AWS WAF's range), got ${wafRateLimit}`,
      );
    }
  }

  // Context names are the ENV keys (limitPerMinute → LIMIT_PER_MINUTE), like the props.
  // The limits set by prop or context; the rest take their defaults as the function's config does.
  const setLimits: Partial<Limits> = {};
  for (const [field, setting] of LIMIT_VARIABLES) {
    if ((props[setting] ?? scope.node.tryGetContext(setting)) === undefined) continue;
    const value = numberSetting(scope, setting, props[setting], DEFAULT_LIMITS[field]);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`limit ${field} (${setting}) must be a whole number ≥ 1, got ${value}`);
    setLimits[field] = value;
  }
  const limits = limitsFrom(setLimits);

  const linkAllowlist = [
    ...new Set(
      stringSetting(scope, 'linkAllowlist', props.linkAllowlist, '')
        .split(',')
        .map((domain) => domain.trim().toLowerCase())
        .filter((domain) => domain !== ''),
    ),
  ];
  for (const domain of linkAllowlist) {
    if (!DOMAIN_NAME.test(domain)) {
      throw new Error(
        `linkAllowlist must be comma-separated domain names such as example.com,example.org; "${domain}" is not one`,
      );
    }
  }

  return {
    limits,
    linkAllowlist,
    senderAddress,
    sesIdentities,
    apiKeySha256: apiKey,
    publicUrl,
    throttle,
    wafRateLimit,
    alarmEmail,
    retainData,
    sesSandbox: booleanSetting(scope, 'sesSandbox', props.sesSandbox, false),
    selfServe: selfServeSetting(scope, props.selfServe, wafRateLimit),
    entries: props.entries ?? DEFAULT_ENTRIES,
  };
}

/** `selfServe`: on unless turned off, or unless the WAF's CloudFront is in front (then refused). */
function selfServeSetting(
  scope: Stack,
  prop: boolean | undefined,
  wafRateLimit: number | undefined,
): boolean {
  const selfServe = booleanSetting(scope, 'selfServe', prop, wafRateLimit === undefined);
  if (selfServe && wafRateLimit !== undefined) {
    throw new Error(
      'selfServe cannot be on with wafRateLimit: behind CloudFront the api sees CloudFront’s address, ' +
        'not the client’s, so the form’s per-IP limit would be shared by everyone at one edge location. ' +
        'Leave selfServe unset (it is then off) or set -c selfServe=false, or leave wafRateLimit unset.',
    );
  }
  return selfServe;
}

/** A prop, else the context value, else `fallback`; throws when none is there. */
function stringSetting(scope: Stack, key: string, prop: string | undefined, fallback?: string): string {
  if (prop !== undefined) return prop;
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new Error(`Missing setting "${key}": set it in cdk.json "context" or pass -c ${key}=...`);
  }
  if (typeof value !== 'string') {
    throw new Error(`Context "${key}" must be a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A boolean prop, else context (`true`/`false`, also as the strings `-c key=false` gives), else `fallback`. */
function booleanSetting(scope: Stack, key: string, prop: boolean | undefined, fallback: boolean): boolean {
  const value: unknown = prop ?? scope.node.tryGetContext(key) ?? fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`${key} must be true or false (-c ${key}=true), got ${JSON.stringify(value)}`);
}

/** Like stringSetting for positive numbers; `-c key=5` arrives as the string "5". */
function numberSetting(scope: Stack, key: string, prop: number | undefined, fallback: number): number {
  const value: unknown = prop ?? scope.node.tryGetContext(key) ?? fallback;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) {
    throw new Error(`${key} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return number;
}
