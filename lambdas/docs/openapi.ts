/**
 * The OpenAPI 3.1 document of the HTTP API, built from the schema the API validates submissions
 * with (core/submission-schema.ts, through zod's own JSON Schema output) and from response
 * schemas written beside the routes they describe. Served by the docs function at
 * `GET /openapi.json`, locally and on AWS; test/service/openapi.test.ts validates it with a real
 * OpenAPI validator and checks it names exactly the routes the apps serve.
 */
import * as z from 'zod/mini';
import { EMAIL_KINDS, SCHEDULED_KINDS } from '../core/events.js';
import { TRANSITIONS } from '../core/interview.js';
import { submissionSchema } from '../core/submission-schema.js';
import { EMAIL_ADDRESS } from '../core/validate.js';

type Json = Record<string, unknown>;

/** A zod schema as a JSON Schema (2020-12, OpenAPI 3.1's dialect), without its `$schema` line. */
function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as Json;
  return rest;
}

/**
 * What the schema cannot say by itself, by field path: the rules the README spells out. Each
 * path must exist in the Submission schema (the docs test checks the document; a wrong path
 * throws here, at the first request).
 */
const SUBMISSION_FIELDS: Record<string, string> = {
  'candidate.email': 'The candidate’s address: the confirmation goes here, and the interviewer’s replies',
  interviewers:
    'The panel: 1 to 8 people, each getting their own emails (no CC, no shared To). Give this or interviewer, not both',
  'interviewers[].email': 'Where this person’s thank-you and follow-ups go; each address once',
  'interviewers[].note':
    'A clause personal to this person, such as “our conversation about the spring campaign”, woven into their thank-you',
  'interviewers[].awayUntil':
    'YYYY-MM-DD, this person’s last day away: no follow-up to them before the next business day',
  interviewer: 'Shorthand for a panel of one: the same fields as one entry of interviewers',
  'interviewer.email': 'Where the thank-you and the follow-ups go',
  'interviewer.awayUntil':
    'YYYY-MM-DD, the interviewer’s last day away: no follow-up before the next business day',
  'interview.decisionBy':
    'YYYY-MM-DD, the day the employer said they would decide: no follow-up before 10:00 on the second business day after it',
  'interview.endsAt':
    'When the interview ended: YYYY-MM-DDTHH:mm in interview.timeZone, or an ISO instant with an offset',
  'interview.timeZone': 'An IANA zone name, such as America/New_York (any case; aliases are resolved)',
  highlights: 'A clause such as “my experience in marketing”, woven into the thank-you',
  followUp: 'false when the employer asked candidates not to follow up (then neither follow-up is sent)',
  secondFollowUp: 'true adds a shorter second follow-up to each person, 5 business days after their first',
  copyCandidate: 'Bcc the candidate on the interviewer’s emails',
  holidays: 'A region whose public holidays are not business days: "US", "US-CA", "DE-BY"…',
};

/**
 * The Submission schema with the descriptions above (`name[]` steps into a list's items), and
 * `format: email` where its pattern is an address's.
 */
function submissionDocument(): Json {
  const schema = jsonSchema(submissionSchema, 'input');
  const mark = (node: Json) => {
    if (node.pattern === EMAIL_ADDRESS.source) node.format = 'email';
    for (const child of Object.values((node.properties ?? {}) as Record<string, Json>)) mark(child);
    if (node.items) mark(node.items as Json);
  };
  mark(schema);
  for (const [path, description] of Object.entries(SUBMISSION_FIELDS)) {
    let node = schema;
    for (const step of path.split('.')) {
      const name = step.endsWith('[]') ? step.slice(0, -2) : step;
      let next = (node.properties as Record<string, Json> | undefined)?.[name];
      if (next && step.endsWith('[]')) next = next.items as Json | undefined;
      if (!next) throw new Error(`no field ${path} in the submission schema`);
      node = next;
    }
    node.description = description;
  }
  return schema;
}

const STATUSES = Object.keys(TRANSITIONS) as [string, ...string[]];
const ERROR_CODES = [
  'malformed_json',
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'gone',
  'idempotency_conflict',
  'in_progress',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'nothing_restorable',
  'unavailable',
  'internal',
] as const;

/** An address as the service checks one (validate.ts), documented as `format: email`. */
const address = (description: string) =>
  z.string().check(z.regex(EMAIL_ADDRESS), z.describe(description), z.meta({ format: 'email' }));

const email = z.object({
  kind: z.enum(SCHEDULED_KINDS),
  to: address('The interviewer it goes to'),
  status: z.enum(STATUSES),
  sendAt: z.optional(z.iso.datetime()),
  plannedAt: z.optional(z.iso.datetime()),
  localSendAt: z.optional(z.string()),
  timeZone: z.string(),
  reason: z.optional(z.string()),
  sentAt: z.optional(z.iso.datetime()),
});
const interview = z.object({ id: z.uuid(), emails: z.array(email) });
const submitted = z.object({ ...interview.shape, cancelUrl: z.url() });
const historyEntry = z.object({
  at: z.iso.datetime(),
  by: z.enum(['api', 'link', 'sender', 'feedback', 'sweep']),
  keyId: z.optional(z.string().check(z.describe('The API key that acted, when by is api'))),
  action: z.enum([
    'created',
    'edited',
    'rescheduled',
    'cancelled',
    'restored',
    'sent',
    'failed',
    'bounced',
    'skipped',
    'erased',
  ]),
  fields: z.optional(z.array(z.string()).check(z.describe('The fields an edit changed, by name'))),
  email: z.optional(z.object({ kind: z.enum(EMAIL_KINDS), to: z.optional(address('Its interviewer')) })),
});
const owned = z.object({
  ...interview.shape,
  history: z.array(historyEntry).check(z.describe('What happened and who did it, oldest first')),
});
const preview = z.object({
  emails: z.array(
    z.object({ ...email.shape, subject: z.optional(z.string()), text: z.optional(z.string()) }),
  ),
});
const errorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    fields: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
});
const cancelRequest = z.object({
  kind: z
    ._default(z.enum(['all', ...SCHEDULED_KINDS]), 'all')
    .check(z.describe('What to cancel; "follow-up" takes the second follow-up with it')),
  to: z.optional(address('Only this interviewer’s emails (any case); absent: the whole panel')),
});

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
      schemas: {
        Submission: submissionDocument(),
        Interview: jsonSchema(interview, 'output'),
        OwnedInterview: jsonSchema(owned, 'output'),
        Submitted: jsonSchema(submitted, 'output'),
        Preview: jsonSchema(preview, 'output'),
        CancelRequest: jsonSchema(cancelRequest, 'input'),
        Error: jsonSchema(errorBody, 'output'),
      },
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
          summary: 'The interview’s emails and their statuses (only for the key that created it)',
          security: bearer,
          responses: {
            '200': { description: 'The interview, with its history', content: json(ref('OwnedInterview')) },
            '401': error('No valid API key'),
            '404': error('No such interview for this key'),
          },
        },
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
            '200': {
              description: 'Restored; the interview, with its history',
              content: json(ref('OwnedInterview')),
            },
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
