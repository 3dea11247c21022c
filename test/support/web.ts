/** What the self-serve pages' service tests share: posting the form as a browser does, and its links. */
import type { InProcessContext } from '../integration/helpers.js';
import { mailsTo } from './panel.js';

type Ctx = { api: InProcessContext['api']; runtime: InProcessContext['runtime'] };

/** The service's pages as a browser without JavaScript posts them (same-origin). */
export function webClient(ctx: Ctx) {
  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    ctx.api.call(path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Sec-Fetch-Site': 'same-origin',
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  return {
    post,
    /**
     * "Fill in from the invite": the form's fields and an `.ics` file's text, posted as a browser
     * does (to the button's formaction, the invite function's `POST /invite`).
     */
    fillFromInvite: (fields: Record<string, string>, ics: string | undefined) => {
      const body = new FormData();
      for (const [name, value] of Object.entries(fields)) body.set(name, value);
      if (ics !== undefined) body.set('invite', new Blob([ics], { type: 'text/calendar' }), 'invite.ics');
      body.set('fill', '1');
      return ctx.api.call('/invite', { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin' }, body });
    },
    form: (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      post('/', fields, headers),
    /** The link the candidate last got (the verify email's, then the confirmation's), by its token. */
    async linkToken(candidate: string): Promise<string> {
      await ctx.runtime.emulator.settle();
      const text = mailsTo(await ctx.api.mail(), candidate).at(-1)?.text ?? '';
      const token = /\/manage\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
      if (!token) throw new Error(`no manage link in: ${text}`);
      return token;
    },
  };
}

/** A complete form: one interviewer, a November interview in New York. */
export const filledForm = (candidate: string, interviewer: string): Record<string, string> => ({
  'candidate.name': 'Reagan Applicant',
  'candidate.email': candidate,
  'interviewers.0.name': 'Mrs. Hiring Manager',
  'interviewers.0.email': interviewer,
  position: 'Copywriter',
  company: 'Example Corp',
  'interview.endsAt': '2026-11-27T14:00',
  'interview.timeZone': 'America/New_York',
});
