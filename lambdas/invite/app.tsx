/**
 * "Fill in from the invite" (issue 18; docs/self-serve.md): `POST /invite`, where the form's
 * button (its `formaction`) posts the form with its `.ics` file, and answers the form filled in
 * from it, with its preview, for the person to check. Nothing is sent or stored.
 *
 * A function of its own on AWS, as the docs are: the iCalendar parser (ical.js) is the largest
 * piece of the web app, and the api is the function every integrator's request starts. It reads
 * nothing and may touch nothing beyond its log group; its only setting is the public URL the
 * cross-site check compares with. Locally and in the tests it is mounted beside the api.
 */
import { Hono } from 'hono';
import { CROSS_SITE_PAGE, messagePage, pageBodyLimit, UNREADABLE_FORM_PAGE } from '../api/answers.js';
import { crossSite, pageHeaders, readFormFields } from '../api/http.js';
import { panelRows } from '../api/web-form.js';
import { fillFromInvite } from '../api/web-invite.js';
import { FORM_PAGE_CSP, FormPage } from '../api/web-pages.js';
import { FormPreview } from '../api/web-preview.js';
import type { Clock } from '../core/clock.js';
import { MAX_FORM_BYTES } from '../core/self-serve.js';

export interface InviteOptions {
  clock: Clock;
  /** The deployment's public URL, as the api has it (the cross-site check compares with it). */
  publicUrl?: string;
}

export function createInviteApp(options: InviteOptions): Hono {
  const app = new Hono();
  app.post('/invite', pageBodyLimit(MAX_FORM_BYTES), async (c) => {
    if (crossSite(c, options.publicUrl)) return messagePage(c, 403, CROSS_SITE_PAGE);
    const form = await readFormFields(c);
    if (!form) return messagePage(c, 400, UNREADABLE_FORM_PAGE);
    pageHeaders(c, FORM_PAGE_CSP);
    const { values, invite } = form;
    if (!invite) {
      const problems = [{ path: 'invite', message: 'choose the invite (.ics) file first' }];
      return c.html(<FormPage values={values} problems={problems} rows={panelRows(values)} />, 400);
    }
    const filled = fillFromInvite(values, await invite.text());
    return c.html(
      <FormPage
        values={filled.values}
        problems={filled.problems}
        rows={filled.rows}
        preview={<FormPreview values={filled.values} now={options.clock.now()} />}
      />,
    );
  });
  return app;
}
