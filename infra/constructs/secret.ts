/**
 * The key of the HMAC that names addresses in the table: the api's rate-limit counters and the
 * suppression list (which the feedback function writes and the self-serve form reads). Generated
 * by Secrets Manager at deploy time, so it is in no template; the api and the feedback function
 * read it at cold start (COUNTER_SECRET_ARN, set with its grant by `bindCounterSecret` in bind.ts).
 */
import type { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { acknowledge } from './nag.js';

export interface CounterSecretProps {
  /** Kept with the data (`retainData`). */
  readonly removalPolicy: RemovalPolicy;
}

/** A flat construct: the secret is a direct child of the stack (logical ID `CounterSecret…`). */
export class CounterSecret {
  readonly secret: Secret;

  constructor(scope: Stack, props: CounterSecretProps) {
    // Encrypted with the AWS-managed key, so GetSecretValue needs no KMS grant of its own.
    this.secret = new Secret(scope, 'CounterSecret', {
      description:
        "Key of the HMAC that keys the interview-followup api's rate-limit counters and suppressions",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    });
    acknowledge(
      this.secret,
      'AwsSolutions-SMG4',
      'Rotating this HMAC key would reset the current rate-limit counters and forget the suppression list (both ' +
        'are keyed by it), and the key never leaves the api and feedback functions: rotation protects nothing here.',
    );
  }
}
