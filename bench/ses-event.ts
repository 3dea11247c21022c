/** An SES delivery event for the cost phase (bench/phases/cost.ts). */
import { randomUUID } from 'node:crypto';
import { type EmailKey, keyTag } from '../lambdas/core/panel.js';
import { recipientsOf, type StoredEmail } from './lifecycle.js';

/**
 * An SES Delivery event as EventBridge hands it to the feedback function (one per recipient), with
 * the tags the service sends each email with (emails.ts): the interview, the kind, the email's key.
 */
export function deliveryEvent(
  interviewId: string,
  kind: string,
  key: EmailKey,
  email: StoredEmail,
  recipient: string,
  at: Date,
) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Email Delivered',
    source: 'aws.ses',
    account: '000000000000',
    time: at.toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      eventType: 'Delivery',
      delivery: {
        timestamp: at.toISOString(),
        processingTimeMillis: 1000,
        recipients: [recipient],
        smtpResponse: '250 2.6.0 Message received',
        reportingMTA: 'local',
      },
      mail: {
        timestamp: at.toISOString(),
        source: 'followup@example.com',
        sendingAccountId: '000000000000',
        messageId: email.messageId,
        destination: recipientsOf(email),
        tags: {
          'ses:configuration-set': ['interview-followup-events'],
          'interview-id': [interviewId],
          kind: [kind],
          email: [keyTag(key)],
        },
      },
    },
  };
}
