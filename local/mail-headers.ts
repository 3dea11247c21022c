/**
 * The header fields of every message the local sender hands to the SES stand-in. The stand-in
 * (aws-ses-v2-local) parses a raw message into a few fields and drops Message-ID, In-Reply-To
 * and References, and it reads Bcc from a header the service never writes (SES takes those
 * recipients as Destinations). So the runtime keeps, per message id the stand-in answered, the
 * headers as a recipient gets them (with the Message-ID SES would have set) and the destinations,
 * and `GET /_local/mail` shows them: a thread can be seen locally.
 */
import type { SESClient } from '@aws-sdk/client-ses';
import { receivedHeaders } from '../lambdas/core/mime.js';

export interface KeptHeaders {
  headers: Record<string, string>;
  destinations: string[];
}

export function keepMailHeaders(client: SESClient, region: string) {
  const kept = new Map<string, KeptHeaders>();
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const input = args.input as { RawMessage?: { Data?: Uint8Array }; Destinations?: string[] };
      const messageId = (result.output as { MessageId?: string }).MessageId;
      const data = input.RawMessage?.Data;
      if (messageId && data) {
        const raw = new TextDecoder().decode(data);
        kept.set(messageId, {
          headers: receivedHeaders(raw, messageId, region),
          destinations: input.Destinations ?? [],
        });
      }
      return result;
    },
    { step: 'initialize', name: 'localKeepMailHeaders' },
  );
  return {
    get: (messageId: string) => kept.get(messageId),
    clear: () => kept.clear(),
  };
}
