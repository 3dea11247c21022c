/**
 * The OpenAPI 3.1 document of the HTTP API: its operations here, its schemas in schemas.ts (built
 * from the schema the API validates submissions with, core/submission-schema.ts, through zod's
 * own JSON Schema output, and from the response schemas written there). Served by the docs function at
 * `GET /openapi.json`, locally and on AWS; test/service/openapi.test.ts validates it with a real
 * OpenAPI validator and checks it names exactly the routes the apps serve.
 */
import { MAX_EDITS } from '../usecases/edit.js';
import { schemas } from './schemas.js';

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json) => ({ 'application/json': { schema } });
const html = { 'text/html': { schema: { type: 'string' } } };
const error = (description: string) => ({ description, content: json(ref('Error')) });
/** A POST of the cancel link (a cancel, a restore): form or JSON in; the page, or JSON, out. */
const linkPost = (operationId: string, summary: string, restores = false) => ({
  operationId,
  summary,
  requestBody: {
    required: false,
    content: {
      'application/x-www-form-urlencoded': { schema: ref('CancelRequest') },
      ...json(ref('CancelRequest')),
    },
  },
  responses: {
    '200': {
      description: 'The page, or the interview as JSON with `Accept: application/json`',
      content: { ...html, ...json(ref('Interview')) },
    },
    '400': error('An unknown kind, or a `to` that is none of this interview’s interviewers'),
    '403': error('A cross-site form'),
    '404': error('No interview for this link'),
    '410': error('The link expired'),
    '413': error('A body over the limit'),
    ...(restores && {
      '409': error('As JSON: nothing chosen can be restored (the page says so with a 200)'),
      '503': error('A schedule could not be made again: that email stays cancelled'),
    }),
  },
});
const retryAfter = {
  'Retry-After': { description: 'Seconds until the request can succeed', schema: { type: 'integer' } },
};
const bearer = [{ bearer: [] }];

const SUBMISSION_ERRORS = {
  '400': error('Malformed JSON, or fields that break the rules (each named in `fields`)'),
  '401': error('No valid API key'),
  '413': error('A body over 64 KiB'),
  '415': error('A body that is not application/json'),
  '429': { ...error('A limit of the key reached'), headers: retryAfter },
};

const etag = {
  ETag: {
    description: 'The strong ETag of the interview as answered: send it as If-Match to edit exactly this',
    schema: { type: 'string' },
  },
};
/** The owner's view with its ETag: what GET, PATCH and the API's restore answer. */
const ownedView = (description: string) => ({
  description,
  headers: etag,
  content: json(ref('OwnedInterview')),
});

/** PATCH /interviews/{id} (usecases/edit.ts): a merge patch in, the owner's view out. */
const editOperation = {
  operationId: 'editInterview',
  summary: 'Edit what is still to go: a JSON merge patch of what GET shows, re-planned by the intake’s rules',
  description:
    'Applied whole or not at all, in one write conditional on the interview being unchanged since it was ' +
    'read. A change to what a send time depends on re-plans that person’s emails still to go (or cancelled by ' +
    'the candidate); a time already past goes at the next one the rules allow. The candidate gets an “updated” ' +
    'notice when an email moves or changes address. Fields that change are logged by name in the history ' +
    '(edited), each moved email as rescheduled.',
  security: bearer,
  parameters: [
    {
      name: 'If-Match',
      in: 'header',
      required: false,
      description:
        'An ETag from GET, PATCH or restore (strong comparison; a list, or *): the edit applies only to ' +
        'the interview as it was then. Absent: no condition',
      schema: { type: 'string' },
    },
  ],
  requestBody: {
    required: true,
    content: {
      'application/merge-patch+json': { schema: ref('InterviewPatch') },
      ...json(ref('InterviewPatch')),
    },
  },
  responses: {
    '200': ownedView('Edited (or nothing to change); the interview, with its history'),
    '400': error(
      'Malformed JSON, or an edit that breaks the rules (`invalid_request`, each field named in `fields`): ' +
        'a submission’s rules, a read-only field, a follow-up turned back on, an unknown interviewer id, a reschedule time',
    ),
    '401': error('No valid API key'),
    '404': error('No such interview for this key'),
    '409': error(
      '`already_sending`: an email the edit would change is being sent; `already_sent`: one went out, ' +
        'or bounced, to an address the edit changes, or went out to an interviewer it removes; `emails` names ' +
        `them. \`nothing_pending\`: nothing is still to go (nor restorable); \`too_many_edits\`: ${MAX_EDITS} edits already`,
    ),
    '412': error('`precondition_failed`: the interview changed since the If-Match ETag; GET it again'),
    '413': error('A body over 64 KiB'),
    '415': error(
      '`unsupported_media_type`: a body that is not application/merge-patch+json or application/json',
    ),
    '429': {
      ...error(
        '`rate_limited`: an address the edit writes to that it did not before (an interviewer added or re-addressed) ' +
          'counts against the per-interviewer limits, and one is full',
      ),
      headers: retryAfter,
    },
    '503': error(
      '`unavailable`: the new times could not be scheduled, or the interview kept changing; nothing was changed',
    ),
  },
};

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const tokenParam = {
  name: 'token',
  in: 'path',
  required: true,
  description: 'The secret of the cancel link, as the confirmation email and the 201 carry it',
  schema: { type: 'string' },
};

/** Every route the API and the docs function serve; the route-parity test holds it to the apps. */
export function openApiDocument(version: string): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'interview-followup',
      version,
      description:
        "Sends a candidate's thank-you to the interviewer a few hours after a job interview and a " +
        'follow-up after three business days, and lets the candidate cancel what is still pending. ' +
        'The README describes every rule; SECURITY.md who may do what.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (`npm run api-key -- create`)' },
      },
      schemas: schemas(),
    },
    paths: {
      '/interviews': {
        post: {
          operationId: 'submitInterview',
          summary:
            'Submit an interview: schedules its thank-you and follow-up, and confirms to the candidate',
          security: bearer,
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Makes a retry safe: the same key and body answer the first response (24 hours)',
              schema: { type: 'string', minLength: 1, maxLength: 255 },
            },
          ],
          requestBody: { required: true, content: json(ref('Submission')) },
          responses: {
            '201': {
              description: 'Scheduled; `cancelUrl` is the candidate’s link',
              headers: {
                Location: { schema: { type: 'string' } },
                'Idempotent-Replayed': { description: 'Set on a replay', schema: { type: 'string' } },
              },
              content: json(ref('Submitted')),
            },
            ...SUBMISSION_ERRORS,
            '404': error('`gone`: the interview this Idempotency-Key created was deleted'),
            '409': {
              ...error('The Idempotency-Key was used with another body, or is in progress'),
              headers: retryAfter,
            },
            '503': error('The schedules could not be created: nothing will be sent; submit again'),
          },
        },
      },
      '/interviews/preview': {
        post: {
          operationId: 'previewInterview',
          summary: 'What a submission would schedule, each email rendered; creates and sends nothing',
          security: bearer,
          requestBody: { required: true, content: json(ref('Submission')) },
          responses: {
            '200': { description: 'The emails', content: json(ref('Preview')) },
            ...SUBMISSION_ERRORS,
          },
        },
      },
      '/interviews/{id}': {
        parameters: [idParam],
        get: {
          operationId: 'getInterview',
          summary:
            'The interview as submitted (each interviewer with their id), its emails and their statuses, its history (only for the key that created it)',
          security: bearer,
          responses: {
            '200': ownedView('The interview: what an edit can change, its emails and its history'),
            '401': error('No valid API key'),
            '404': error('No such interview for this key'),
          },
        },
        patch: editOperation,
        delete: {
          operationId: 'deleteInterview',
          summary: 'Cancel what is pending and erase the personal data',
          security: bearer,
          responses: {
            '204': { description: 'Erased' },
            '401': error('No valid API key'),
            '404': error('No such interview for this key'),
          },
        },
      },
      '/interviews/{id}/restore': {
        parameters: [idParam],
        post: {
          operationId: 'restoreInterview',
          summary: 'Restore what the candidate cancelled, while its time is still ahead',
          security: bearer,
          requestBody: { required: false, content: json(ref('CancelRequest')) },
          responses: {
            '200': ownedView('Restored; the interview, with its history'),
            '400': error('An unknown kind, or a `to` that is none of this interview’s interviewers'),
            '401': error('No valid API key'),
            '404': error('No such interview for this key'),
            '409': error(
              'Nothing chosen can be restored (sent, failed, cancelled for another reason, or past its time)',
            ),
            '413': error('A body over the limit'),
            '503': error('A schedule could not be made again: that email stays cancelled'),
          },
        },
      },
      '/cancel/{token}': {
        parameters: [tokenParam],
        get: {
          operationId: 'cancelPage',
          summary: 'The cancel page (GET and HEAD never change anything)',
          responses: {
            '200': { description: 'The page', content: html },
            '404': { description: 'No interview for this link', content: html },
            '410': { description: 'The link expired', content: html },
          },
        },
        post: linkPost(
          'cancel',
          'Cancel the emails still scheduled: all, one kind, one interviewer’s, or one kind to one interviewer',
        ),
      },
      '/cancel/{token}/restore': {
        parameters: [tokenParam],
        post: linkPost(
          'restoreByLink',
          'Restore what the candidate cancelled, from the cancel page (while its time is ahead)',
          true,
        ),
      },
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Up',
          responses: {
            '200': {
              description: 'OK',
              content: json({
                type: 'object',
                properties: { status: { const: 'ok' } },
                required: ['status'],
              }),
            },
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openApiDocument',
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
        },
      },
      '/docs': {
        get: {
          operationId: 'apiReference',
          summary: 'This document as a page',
          responses: { '200': { description: 'The API reference', content: html } },
        },
      },
    },
  };
}
