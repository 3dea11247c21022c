import { describe, expect, it } from 'vitest';
import { redact, redactFields } from '../../lambdas/core/redact.js';

describe('log redaction', () => {
  it('removes email addresses, cancel tokens and bearer keys from logged strings', () => {
    const message =
      'Email address is not verified: reagan@example.com, "Mrs. Hiring Manager" <hiring.manager@example.org>';
    expect(redact(message)).toBe('Email address is not verified: [email], "Mrs. Hiring Manager" <[email]>');
    expect(redact('GET /cancel/p2yGBUxXjkfW8bsgp3ZUPextR_QEqvwmQYy3jFSG82w failed')).toBe(
      'GET /cancel/[token] failed',
    );
    expect(redact('Authorization: Bearer ifk_abc.def')).toBe('Authorization: Bearer [key]');
  });

  it('keeps ids and numbers, and redacts string fields only', () => {
    expect(
      redactFields({
        interviewId: 'c0ffee00-0000-4000-8000-000000000001',
        error: 'to x@example.org',
        attempt: 2,
      }),
    ).toEqual({ interviewId: 'c0ffee00-0000-4000-8000-000000000001', error: 'to [email]', attempt: 2 });
  });
});
