/**
 * The API reference page (`GET /docs`): the OpenAPI document rendered on the server, one section
 * per operation and a table per schema. No JavaScript and no external assets; the only stylesheet
 * is inline and allowed by its hash in the CSP.
 */
import type { Child } from 'hono/jsx';
import { Layout, pageCsp } from '../api/pages.js';

type Json = Record<string, unknown>;

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1rem;color:#1b1b1b;background:#f6f6f4;line-height:1.5}
main{max-width:52rem;margin:0 auto;background:#fff;border-radius:.5rem;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.2rem;margin:1.75rem 0 .5rem;border-top:1px solid #e4e4e0;padding-top:1rem}
h3{font-size:1rem;margin:1rem 0 .25rem}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
.method{display:inline-block;min-width:4rem;font-weight:700}.auth{color:#555}
table{border-collapse:collapse;width:100%;margin:.25rem 0}.scroll{overflow-x:auto}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e4e4e0;vertical-align:top}
th{font-weight:600}
@media (max-width:40rem){.rows thead{display:none}.rows tr{display:block;padding:.4rem 0;border-bottom:1px solid #e4e4e0}.rows td{display:block;border:0;padding:.1rem 0}}`;

export const DOCS_CSP = pageCsp(STYLE, 'none');

/** A description as plain text (OpenAPI's are CommonMark; the page shows `code` without its ticks). */
const text = (value: unknown) => String(value ?? '').replaceAll('`', '');
const asJson = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const refName = (schema: Json) =>
  typeof schema.$ref === 'string' ? schema.$ref.slice(schema.$ref.lastIndexOf('/') + 1) : undefined;

/** A schema in a few words: its type, reference or allowed values, and its limits. */
function describe(schema: Json): string {
  const name = refName(schema);
  if (name) return name;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.type === 'array') return `array of ${describe(asJson(schema.items))}`;
  const limits = [
    typeof schema.format === 'string' ? schema.format : undefined,
    schema.minLength !== undefined ? `min ${schema.minLength}` : undefined,
    schema.maxLength !== undefined ? `max ${schema.maxLength}` : undefined,
    schema.minimum !== undefined ? `from ${schema.minimum}` : undefined,
    schema.maximum !== undefined ? `to ${schema.maximum}` : undefined,
    schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : undefined,
  ].filter(Boolean);
  const type = typeName(schema);
  return limits.length > 0 ? `${type} (${limits.join(', ')})` : type;
}

/** `string`, or `string or null` for a type list (a patch's member that `null` removes). */
function typeName(schema: Json): string {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  return 'any';
}

/** Whether a schema is an object's (alone, or with `null`). */
const isObject = (schema: Json) =>
  schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));

interface Row {
  field: string;
  type: string;
  required: boolean;
  description: string;
}

/** Every property of an object schema, nested objects flattened as `parent.child`. */
function rows(schema: Json, prefix = ''): Row[] {
  const properties = asJson(schema.properties);
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(properties).flatMap(([name, value]) => {
    const child = asJson(value);
    const field = prefix + name;
    const nested = isObject(child) && child.properties !== undefined;
    const row = {
      field,
      type: nested ? typeName(child) : describe(child),
      required: required.has(name),
      description: text(child.description),
    };
    return nested ? [row, ...rows(child, `${field}.`)] : [row];
  });
}

/** A body's or an answer's schema and media type; a named schema links to its table below. */
function SchemaName(props: { schema: Json; type: string }) {
  const name = refName(props.schema);
  if (!name) return <>{`${describe(props.schema)} (${props.type})`}</>;
  return (
    <>
      <a href={`#${name}`}>{name}</a> ({props.type})
    </>
  );
}

/** Items separated by "; ". */
function joined(items: Child[]): Child[] {
  return items.flatMap((item, i) => (i === 0 ? [item] : ['; ', item]));
}

/** Each media type of a content map, with its schema. */
function contents(content: unknown): Child[] {
  return Object.entries(asJson(content)).map(([type, media]) => (
    <SchemaName schema={asJson(asJson(media).schema)} type={type} />
  ));
}

/** A table that may scroll sideways on a phone: focusable, so a keyboard can scroll it too. */
function Scroll(props: { label: string; children: Child }) {
  return (
    <section class="scroll" aria-label={props.label} tabindex={0}>
      {props.children}
    </section>
  );
}

function Operation(props: { method: string; path: string; op: Json }) {
  const { op } = props;
  const bodies = contents(asJson(op.requestBody).content);
  const parameters = (Array.isArray(op.parameters) ? op.parameters : []).map(asJson);
  return (
    <section>
      <h3>
        <span class="method">{props.method.toUpperCase()}</span> <code>{props.path}</code>
      </h3>
      <p>
        {text(op.summary)} <span class="auth">{op.security ? '(Bearer key)' : '(no key)'}</span>
      </p>
      {parameters.length > 0 && (
        <p>
          Parameters:{' '}
          {parameters.map((p) => (
            <code>{`${String(p.name)} (${String(p.in)}) `}</code>
          ))}
        </p>
      )}
      {bodies.length > 0 && <p>Body: {joined(bodies)}</p>}
      <Scroll label={`Responses of ${props.method.toUpperCase()} ${props.path}`}>
        <table class="rows">
          <tbody>
            {Object.entries(asJson(op.responses)).map(([status, response]) => {
              const r = asJson(response);
              const types = contents(r.content);
              return (
                <tr>
                  <td>
                    <code>{status}</code>
                  </td>
                  <td>{text(r.description)}</td>
                  <td>{joined(types)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Scroll>
    </section>
  );
}

export function ReferencePage(props: { document: Json }) {
  const info = asJson(props.document.info);
  const paths = Object.entries(asJson(props.document.paths));
  const schemas = Object.entries(asJson(asJson(props.document.components).schemas));
  return (
    <Layout style={STYLE} title={`${String(info.title)} API reference`}>
      <h1>{String(info.title)} API</h1>
      <p>{text(info.description)}</p>
      <p>
        Version {String(info.version)}. The machine-readable document: <a href="openapi.json">openapi.json</a>{' '}
        (OpenAPI 3.1).
      </p>
      <h2>Operations</h2>
      {paths.flatMap(([path, item]) =>
        Object.entries(asJson(item))
          .filter(([method]) => method !== 'parameters')
          .map(([method, op]) => <Operation method={method} path={path} op={asJson(op)} />),
      )}
      <h2>Schemas</h2>
      {schemas.map(([name, schema]) => (
        <section>
          <h3 id={name}>{name}</h3>
          <Scroll label={`Fields of ${name}`}>
            <table class="rows">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Type</th>
                  <th>Required</th>
                  <th>Notes</th>
                </tr>
              </thead>
              <tbody>
                {rows(asJson(schema)).map((row) => (
                  <tr>
                    <td>
                      <code>{row.field}</code>
                    </td>
                    <td>{row.type}</td>
                    <td>{row.required ? 'required' : ''}</td>
                    <td>{row.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        </section>
      ))}
    </Layout>
  );
}
