/** The documented example submission; each test copies and patches it. */
export function validBody(): Record<string, unknown> {
  return {
    candidate: { name: 'Reagan Applicant', email: 'reagan@example.com', phone: '123-456-7890' },
    interviewer: { name: 'Mrs. Hiring Manager', email: 'hiring.manager@example.org' },
    position: 'Copywriter',
    company: 'Example Corp',
    interview: { endsAt: '2026-11-27T14:00', timeZone: 'America/New_York' },
    highlights: 'my experience in marketing and interest in copywriting',
    followUp: true,
  };
}

/** "Now" for tests that need one: Friday 27 November 2026, 14:30 in New York. */
export const NOW = new Date('2026-11-27T19:30:00.000Z');

/** An email as the sender hands it to the SES adapter. */
export const OUTGOING_EMAIL = {
  from: '"Reagan Applicant" <followup@example.com>',
  to: ['hiring.manager@example.org'],
  bcc: [],
  replyTo: ['reagan@example.com'],
  subject: 'Thank you for the Copywriter interview at Example Corp',
  text: 'Thank you.',
  html: '<p>Thank you.</p>',
  tags: [{ name: 'kind', value: 'thank-you' }],
};
