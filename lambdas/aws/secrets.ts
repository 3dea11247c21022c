/**
 * Secrets Manager adapter: the api and the feedback function read the addresses' HMAC key (limit
 * counters, the suppression list) once per container (the stack generates it; see SECURITY.md). A missing or empty secret fails the container at start.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export async function readSecret(client: SecretsManagerClient, arn: string): Promise<string> {
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error(`secret ${arn} has no string value`);
    return out.SecretString;
  } finally {
    client.destroy();
  }
}
