/**
 * The cancel page: server-rendered with hono/jsx (escapes by default), no external assets, no
 * JavaScript, readable on a phone. Its only stylesheet is inline and allowed by hash in the CSP.
 */
import { createHash } from 'node:crypto';
import type { Child } from 'hono/jsx';
import type { EmailStatus, InterviewRecord } from '../core/interview.js';
import { SCHEDULED_KINDS } from '../core/interview.js';
import { formatForPeople } from '../core/time.js';

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1rem;color:#1b1b1b;background:#f6f6f4;line-height:1.5}
main{max-width:36rem;margin:0 auto;background:#fff;border-radius:.5rem;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.35rem;margin:0 0 .5rem}ul{list-style:none;padding:0}li{padding:.6rem 0;border-top:1px solid #e4e4e0}
.status{font-weight:600}.note{color:#555}button{font:inherit;padding:.7rem 1rem;border:0;border-radius:.4rem;background:#b3261e;color:#fff;width:100%}`;

export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

const LABEL = { 'thank-you': 'Thank-you', 'follow-up': 'Follow-up' } as const;
const STATUS_TEXT: Record<EmailStatus, string> = {
  scheduled: 'Scheduled',
  sending: 'Sending now',
  sent: 'Sent',
  cancelled: 'Cancelled',
  skipped: 'Not sent',
  failed: 'Not sent (failed)',
};

export function CancelPage(props: { record: InterviewRecord; action: string; notice?: string }) {
  const { record } = props;
  const zone = record.interview.timeZone;
  const pending = SCHEDULED_KINDS.some((kind) => record.emails[kind].status === 'scheduled');
  return (
    <Layout title="Your interview emails">
      <h1>
        {record.position}
        {record.company ? ` at ${record.company}` : ''}
      </h1>
      <p class="note">Emails to {record.interviewer.name}</p>
      {props.notice ? <p role="status">{props.notice}</p> : ''}
      <ul>
        {SCHEDULED_KINDS.map((kind) => {
          const e = record.emails[kind];
          const at = e.sentAt ?? e.sendAt;
          return (
            <li>
              {LABEL[kind]}: <span class="status">{STATUS_TEXT[e.status]}</span>
              {at ? <span> · {formatForPeople(new Date(at), zone)}</span> : ''}
              {e.reason ? <div class="note">{e.reason}</div> : ''}
            </li>
          );
        })}
      </ul>
      {pending ? (
        <form method="post" action={props.action}>
          <button type="submit">Cancel all pending emails</button>
        </form>
      ) : (
        <p class="note">Nothing is waiting to be sent.</p>
      )}
    </Layout>
  );
}

export function MessagePage(props: { title: string; message: string }) {
  return (
    <Layout title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
    </Layout>
  );
}
