/**
 * What the pages' routes answer besides their pages (web.tsx, manage.tsx, link.tsx, the invite
 * function): a message page with the cancel page's stylesheet and CSP, the refusals every POST
 * shares, and the body limit that answers with one.
 */
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { pageHeaders, tooLarge } from './http.js';
import { MessagePage } from './pages.js';

export interface Message {
  title: string;
  message: string;
}

export const CROSS_SITE_PAGE: Message = {
  title: 'Not allowed',
  message:
    'This request came from another site, so it was refused. Open the page from your email or this site and press the button there.',
};
export const TOO_LARGE_PAGE: Message = { title: 'Request too large', message: 'This request is too large.' };
export const UNREADABLE_FORM_PAGE: Message = {
  title: 'Unreadable form',
  message: 'The form could not be read. Please go back and try again.',
};

/** A message page as the answer. */
export function messagePage(c: Context, status: ContentfulStatusCode, page: Message) {
  pageHeaders(c);
  return c.html(<MessagePage {...page} />, status);
}

/** A body limit whose refusal is the "too large" page (and closes the connection). */
export function pageBodyLimit(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: (c) => {
      tooLarge(c);
      return messagePage(c, 413, TOO_LARGE_PAGE);
    },
  });
}
