/**
 * Logs and metrics on Lambda, with Powertools for AWS Lambda: the Logger (JSON lines, Lambda
 * context, correlation keys) with our redaction as its formatter, and Metrics as CloudWatch EMF
 * (no API calls: the metrics are lines in the log, which CloudWatch turns into metrics).
 *
 * The use cases only see the `Logger` and `Metrics` ports; locally they get `jsonLogger` and
 * `CountingMetrics` instead (ports.ts).
 */
import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { type Logger, METRICS_NAMESPACE, type Metrics } from '../core/ports.js';
import { redact, redactFields } from '../core/redact.js';
import { reportTimeZoneDisagreements } from '../shared/timezones.js';

/**
 * Powertools' own keys, then ours, every string through `redact` (see redact.ts): a logged error
 * from AWS can quote an address.
 */
export class RedactingLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: redact(attributes.message),
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: attributes.lambdaContext?.coldStart,
        function_name: attributes.lambdaContext?.functionName,
        function_request_id: attributes.lambdaContext?.awsRequestId,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(redactFields(additional));
  }
}

interface InvocationContext {
  functionName: string;
  awsRequestId: string;
}

export interface Observability {
  log: Logger;
  metrics: Metrics;
  /**
   * Runs one invocation: the Lambda context and the correlation keys (an interview id, a
   * request id) go on every line it logs, and its metrics are published when it ends, however
   * it ends.
   */
  invocation<T>(context: unknown, keys: Record<string, unknown>, run: () => Promise<T>): Promise<T>;
}

export function lambdaObservability(): Observability {
  // Service name: POWERTOOLS_SERVICE_NAME, set by the stack (its name), also the metrics' dimension.
  const logger = new PowertoolsLogger({ logFormatter: new RedactingLogFormatter() });
  const metrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE });
  reportTimeZoneDisagreements((level, message, fields) => logger[level](message, fields ?? {}));
  return {
    log: (level, message, fields) => logger[level](message, fields ?? {}),
    metrics: { count: (name, value = 1) => void metrics.addMetric(name, MetricUnit.Count, value) },
    async invocation(context, keys, run) {
      if (isInvocationContext(context)) logger.addContext(context as Parameters<typeof logger.addContext>[0]);
      logger.appendKeys(keys);
      try {
        return await run();
      } finally {
        metrics.publishStoredMetrics();
        logger.resetKeys();
      }
    },
  };
}

function isInvocationContext(value: unknown): value is InvocationContext {
  return typeof value === 'object' && value !== null && 'awsRequestId' in value && 'functionName' in value;
}
