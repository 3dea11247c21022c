/**
 * The schemas of the OpenAPI document (openapi.ts). The submission is the schema intake validates
 * with (core/submission-schema.ts, through zod's own JSON Schema output); the interview as its
 * owner reads it (core/view.ts, toOwnerView) and edits it (core/edit.ts, a JSON merge patch) are
 * derived from it, so a limit changed there changes all three; the other answers are written here.
 */
import * as z from 'zod/mini';
import { EMAIL_KINDS, SCHEDULED_KINDS } from '../core/events.js';
import { ACTORS, HISTORY_ACTIONS } from '../core/history.js';
import { TRANSITIONS } from '../core/interview.js';
import { MAX_PANEL_ID } from '../core/panel.js';
import { MIN_SCHEDULE_LEAD_MS, QUIET_FROM_HOUR, QUIET_UNTIL_HOUR } from '../core/sendTimes.js';
import { MAX_FUTURE_DAYS, submissionSchema } from '../core/submission-schema.js';
import { EMAIL_ADDRESS, MAX_EMAIL_LENGTH } from '../core/validate.js';

type Json = Record<string, unknown>;

/** A zod schema as a JSON Schema (2020-12, OpenAPI 3.1's dialect), without its `$schema` line. */
function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as Json;
  return rest;
}

const propertiesOf = (node: Json) => (node.properties ?? {}) as Record<string, Json>;

/** The node at a field path (`name[]` steps into a list's items); a wrong path throws. */
function field(schema: Json, path: string): Json {
  let node = schema;
  for (const step of path.split('.')) {
    const name = step.endsWith('[]') ? step.slice(0, -2) : step;
    let next = propertiesOf(node)[name];
    if (next && step.endsWith('[]')) next = next.items as Json | undefined;
    if (!next) throw new Error(`no field ${path} in the schema`);
    node = next;
  }
  return node;
}

/** Descriptions by field path. Each path must exist (the docs test builds the document). */
function described(schema: Json, descriptions: Record<string, string>): Json {
  for (const [path, description] of Object.entries(descriptions))
    field(schema, path).description = description;
  return schema;
}

/** What the schema cannot say by itself: the rules the README spells out. */
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

/** The Submission schema with the descriptions above, and `format: email` where it checks an address. */
export function submissionDocument(): Json {
  const schema = jsonSchema(submissionSchema, 'input');
  const mark = (node: Json) => {
    if (node.pattern === EMAIL_ADDRESS.source) node.format = 'email';
    for (const child of Object.values(propertiesOf(node))) mark(child);
    if (node.items) mark(node.items as Json);
  };
  mark(schema);
  return described(schema, SUBMISSION_FIELDS);
}

/**
 * The submission as GET shows it and PATCH edits it (core/edit.ts, EditDocument): the panel
 * always as `interviewers` (no shorthand), each interviewer with the `id` their emails are keyed by.
 */
function editable(submission: Json): Json {
  const doc = structuredClone(submission);
  const properties = propertiesOf(doc);
  delete properties.interviewer;
  const person = field(doc, 'interviewers[]');
  person.properties = {
    id: { type: 'integer', minimum: 1, maximum: MAX_PANEL_ID },
    ...propertiesOf(person),
  };
  return doc;
}

const SECONDS = MIN_SCHEDULE_LEAD_MS / 1000;
const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
const RESCHEDULE_AT =
  'A local wall time YYYY-MM-DDTHH:mm in the interview’s zone. It must exist there (not skipped by a clock ' +
  `change), be at least ${SECONDS} seconds ahead, not before the interview ended, at most ${MAX_FUTURE_DAYS} days ` +
  `after it, and between ${hour(QUIET_UNTIL_HOUR)} and ${hour(QUIET_FROM_HOUR)} local time; a follow-up must be on a ` +
  'business day (Monday to Friday, not a public holiday of holidays); each interviewer’s emails stay in order ' +
  '(thank-you, follow-up, second follow-up), at least 24 hours apart';

/** `reschedule`, the member only PATCH takes (core/edit.ts parses it: at most 24, strict). */
const reschedule = z
  .array(
    z.strictObject({
      kind: z.enum(SCHEDULED_KINDS).check(z.describe('Which email')),
      to: z.optional(
        z
          .string()
          .check(
            z.maxLength(MAX_EMAIL_LENGTH),
            z.meta({ format: 'email' }),
            z.describe('Only this interviewer’s (their address, any case); absent: every interviewer’s'),
          ),
      ),
      at: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/), z.describe(RESCHEDULE_AT)),
    }),
  )
  .check(
    z.maxLength(24),
    z.describe(
      'PATCH only: new times for emails still scheduled, applied after the rest of the edit (an email ' +
        'being sent is a 409 already_sending; one cancelled, sent or skipped a 400)',
    ),
  );

/** The fields an edit treats otherwise than a submission (core/edit.ts, parseEdit). */
const PATCH_FIELDS: Record<string, string> = {
  'candidate.email':
    'Read-only: whose interview it is. The same address (any case) may be sent; another is a 400',
  interviewers:
    'The whole panel, 1 to 8 people (a list replaces the one GET shows): an entry with an id is that interviewer, ' +
    'as given (an entry is not merged: a note or awayUntil left out of it is removed); one without an id is ' +
    'added, their emails planned as at intake; an interviewer whose id is left out is ' +
    'removed with their emails, only while none of them went out (409 already_sent; one whose email ' +
    'bounced may be removed, and the right address added as someone new)',
  'interviewers[].id': 'Which interviewer this entry is, as GET shows it; leave it out to add someone',
  'interviewers[].email':
    'Where this person’s emails go; a changed address counts against the per-interviewer limits, ' +
    'and is a 409 already_sent once one of their emails went to the old one, or bounced from it',
  'interview.endsAt': 'Cannot change: only the same instant (in either form) may be sent',
  'interview.timeZone': 'Cannot change: only the same zone may be sent',
  followUp: 'Can only be turned off: false skips both follow-ups still to go; true when off is a 400',
  secondFollowUp:
    'Can only be turned off: false skips the second follow-ups still to go; true when off is a 400',
};

/**
 * A JSON merge patch (RFC 7396) of the editable document: every member optional; objects merge
 * member by member; a list (interviewers) replaces whole; `null` removes a member that may be
 * absent, which brings its default back where it has one.
 */
export function patchDocument(submission: Json): Json {
  const doc = described(editable(submission), PATCH_FIELDS);
  const patchable = (object: Json) => {
    const required = new Set((object.required as string[] | undefined) ?? []);
    delete object.required;
    for (const [name, child] of Object.entries(propertiesOf(object))) {
      if (child.type === 'object') patchable(child);
      if (required.has(name) || name === 'interviewers') continue;
      const note =
        child.default === undefined ? 'null removes it' : `null: back to ${JSON.stringify(child.default)}`;
      delete child.default;
      child.description = child.description
        ? `${child.description} (${note})`
        : `${note[0]?.toUpperCase()}${note.slice(1)}`;
      child.type = [child.type, 'null'];
    }
  };
  patchable(doc);
  const properties = propertiesOf(doc);
  doc.properties = {
    id: {
      type: 'string',
      format: 'uuid',
      description:
        'Read-only: only this interview’s own id may be sent. emails and history are refused (400)',
    },
    ...properties,
    reschedule: jsonSchema(reschedule, 'input'),
  };
  doc.description =
    'A JSON merge patch (RFC 7396) of what GET /interviews/{id} shows: members left out stay as they are, ' +
    'objects merge member by member, a list replaces whole, null removes a member. The result is validated ' +
    'as a submission is (the same rules and limits), and re-planned by the same rules';
  return doc;
}

const STATUSES = Object.keys(TRANSITIONS) as [string, ...string[]];

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
  by: z
    .enum(ACTORS)
    .check(
      z.describe(
        'The API (keyId says which key), the cancel link, the sender, SES feedback, the sweep, the self-serve form (web)',
      ),
    ),
  keyId: z.optional(z.string().check(z.describe('The API key that acted, when by is api'))),
  action: z
    .enum(HISTORY_ACTIONS)
    .check(
      z.describe(
        'confirmed: a self-serve submission confirmed by its candidate; edited: a PATCH (with its fields); rescheduled: an email’s time moved, by an edit (api), by the ' +
          'late-send policy to its next allowed time (sender), or an overdue email whose schedule never fired ' +
          'handed to the sender (sweep, once per email); skipped: an email turned off by an edit (api), or not sent',
      ),
    ),
  fields: z.optional(
    z
      .array(z.string())
      .check(
        z.describe(
          'On edited: the fields the edit changed, by name, never their values (candidate.name, position, ' +
            'interview.decisionBy…; an interviewer’s as interviewers[<id>].name; interviewers when someone was added or removed)',
        ),
      ),
  ),
  email: z.optional(
    z.object({
      kind: z
        .enum(EMAIL_KINDS)
        .check(
          z.describe(
            'An interviewer’s email, or the candidate’s: confirmation (at intake) or update (the notice of an edit that moved or redirected an email)',
          ),
        ),
      to: z.optional(
        address('Its interviewer; absent for the candidate’s emails and for someone since removed'),
      ),
    }),
  ),
});
const history = z.array(historyEntry).check(z.describe('What happened and who did it, oldest first'));

/**
 * What GET /interviews/{id} (and PATCH, and restore) answers its owner (core/view.ts,
 * toOwnerView): the interview's id, the editable document as it stands, the emails and the history.
 */
function ownedDocument(submission: Json): Json {
  const doc = described(editable(submission), {
    interviewers:
      'The panel, in order, each interviewer with the id their emails and history entries are keyed by',
    'interview.timeZone': 'The interview’s IANA zone, its canonical name',
    followUp: 'false: the follow-ups are not sent (asked at submission, or turned off by an edit)',
    holidays: 'The holiday region, normalised ("US-CA")',
  });
  field(doc, 'interview').properties = {
    ...propertiesOf(field(doc, 'interview')),
    endsAt: {
      ...jsonSchema(z.iso.datetime(), 'output'),
      description: 'When the interview ended, as an instant',
    },
  };
  const person = field(doc, 'interviewers[]');
  person.required = ['id', ...((person.required as string[]) ?? [])];
  // Every member with a default is always there; only company, highlights, messages, holidays may be absent.
  const given = (doc.required as string[]) ?? [];
  const properties = propertiesOf(doc);
  const required = Object.keys(properties).filter(
    (name) => given.includes(name) || name === 'interviewers' || properties[name]?.default !== undefined,
  );
  const strip = (node: Json) => {
    delete node.default;
    for (const child of Object.values(propertiesOf(node))) strip(child);
    if (node.items) strip(node.items as Json);
  };
  strip(doc);
  const own = propertiesOf(jsonSchema(z.object({ id: z.uuid(), emails: z.array(email), history }), 'output'));
  return {
    type: 'object',
    properties: { id: own.id, ...properties, emails: own.emails, history: own.history },
    required: ['id', ...required, 'emails', 'history'],
    additionalProperties: false,
  };
}

const preview = z.object({
  emails: z.array(
    z.object({ ...email.shape, subject: z.optional(z.string()), text: z.optional(z.string()) }),
  ),
});

const ERROR_CODES = [
  'malformed_json',
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'gone',
  'idempotency_conflict',
  'in_progress',
  'precondition_failed',
  'already_sending',
  'already_sent',
  'nothing_pending',
  'too_many_edits',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'nothing_restorable',
  'unavailable',
  'internal',
] as const;

const errorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    fields: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
    emails: z.optional(
      z
        .array(z.object({ kind: z.enum(SCHEDULED_KINDS), to: address('Its interviewer') }))
        .check(z.describe('On a 409 of PATCH (already_sending, already_sent): the emails in the way')),
    ),
  }),
});
const cancelRequest = z.object({
  kind: z
    ._default(z.enum(['all', ...SCHEDULED_KINDS]), 'all')
    .check(z.describe('What to cancel; "follow-up" takes the second follow-up with it')),
  to: z.optional(address('Only this interviewer’s emails (any case); absent: the whole panel')),
});

/** The document's `components.schemas`. */
export function schemas(): Record<string, Json> {
  const submission = submissionDocument();
  return {
    Submission: submission,
    Interview: jsonSchema(interview, 'output'),
    OwnedInterview: ownedDocument(submission),
    InterviewPatch: patchDocument(submission),
    Submitted: jsonSchema(submitted, 'output'),
    Preview: jsonSchema(preview, 'output'),
    CancelRequest: jsonSchema(cancelRequest, 'input'),
    Error: jsonSchema(errorBody, 'output'),
  };
}
