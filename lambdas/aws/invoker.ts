/** Lambda adapter: hands an event to the sender asynchronously (Lambda retries it and, after that, its on-failure destination keeps it). */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SendEvent } from '../core/events.js';
import type { SenderInvoker } from '../core/ports.js';

export class LambdaSenderInvoker implements SenderInvoker {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionArn: string,
  ) {}

  async invokeAsync(event: SendEvent): Promise<void> {
    const out = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionArn,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    if (out.StatusCode !== 202) throw new Error(`Lambda did not accept the event (status ${out.StatusCode})`);
  }
}
