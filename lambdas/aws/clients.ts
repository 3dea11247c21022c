/**
 * SDK clients, made once per container by each handler's init code (or once per local runtime).
 * Locally the config carries endpoints of the stand-in servers; on AWS they are unset.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsConfig } from '../config.js';

export interface ClientOptions {
  /** Only the local runtime passes these (dummy keys for the stand-ins); on AWS the role's are used. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

function base(config: AwsConfig, endpoint: string | undefined, options: ClientOptions) {
  return {
    region: config.region,
    ...(endpoint && { endpoint }),
    ...(options.credentials && { credentials: options.credentials }),
  };
}

export function dynamoClient(config: AwsConfig, options: ClientOptions = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(base(config, config.endpoints.dynamodb, options)), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function schedulerClient(config: AwsConfig, options: ClientOptions = {}): SchedulerClient {
  return new SchedulerClient(base(config, config.endpoints.scheduler, options));
}

/** Deadlines of one SES request (ms): to connect, and for the answer once connected. */
export const SES_CONNECT_TIMEOUT_MS = 3_000;
export const SES_REQUEST_TIMEOUT_MS = 10_000;

/**
 * No SDK retries: after a timeout SES may have accepted the message, and a retry would send it
 * twice (the sender retries itself when it knows nothing was sent). Every request has deadlines:
 * a connection not made in time means nothing was sent; an answer not come in time is unknown.
 */
export function sesClient(config: AwsConfig, options: ClientOptions = {}): SESClient {
  return new SESClient({
    ...base(config, config.endpoints.ses, options),
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: SES_CONNECT_TIMEOUT_MS,
      requestTimeout: SES_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  });
}

export function lambdaClient(config: AwsConfig, options: ClientOptions = {}): LambdaClient {
  return new LambdaClient(base(config, config.endpoints.lambda, options));
}

export function secretsClient(config: AwsConfig): SecretsManagerClient {
  return new SecretsManagerClient({ region: config.region });
}
