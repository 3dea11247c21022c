/** `npm start`: the whole service on 127.0.0.1, configured by environment variables (see README). */
import { resolve } from 'node:path';
import { ENV, LIMIT_VARIABLES } from '../lambdas/config.js';
import { DEFAULT_API_KEY, startLocalRuntime } from './runtime.js';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number (0-65535), got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const portNumber = port('PORT', 3000);
// The self-serve pages are on, as on AWS by default; SELF_SERVE=off turns them off.
const selfServe = process.env.SELF_SERVE || 'on';
const runtime = await startLocalRuntime({
  dataDir: resolve(process.env.DATA_DIR || '.data'),
  port: portNumber,
  mailPort: port('MAIL_PORT', 8005),
  ...(process.env.MAIL_URL && { mailUrl: process.env.MAIL_URL }),
  dynamoPort: port('DYNAMODB_PORT', 8006),
  limits: Object.fromEntries(LIMIT_VARIABLES.map(([field, variable]) => [field, process.env[ENV[variable]]])),
  ...(process.env.LINK_ALLOWLIST && { linkAllowlist: process.env.LINK_ALLOWLIST }),
  selfServe,
  apiKey: process.env.API_KEY || DEFAULT_API_KEY,
  ...(process.env.PUBLIC_URL && { publicUrl: process.env.PUBLIC_URL }),
  ...(process.env.SENDER_ADDRESS && { senderAddress: process.env.SENDER_ADDRESS }),
  ...(process.env.SES_CONFIGURATION_SET && { sesConfigurationSet: process.env.SES_CONFIGURATION_SET }),
  ...(process.env.LOCAL_FAULTS && { faults: process.env.LOCAL_FAULTS }),
  ...(process.env.LOCAL_FAULTS_SEED && { faultSeed: Number(process.env.LOCAL_FAULTS_SEED) }),
});

// Only the well-known development key is printed: a key of your own stays out of terminal
// scrollback, screen shares and CI logs.
const apiKeyLine =
  runtime.apiKey === DEFAULT_API_KEY
    ? `${runtime.apiKey}   (the API_KEY variable; more with npm run api-key -- create --name "…")`
    : '(the API_KEY you set; not shown)';

console.log(`
interview-followup is running locally
  Web app    ${runtime.apiUrl}/${selfServe === 'off' ? '   (off: SELF_SERVE=off)' : '   (open it in a browser: no key needed)'}
  API        ${runtime.apiUrl}
  Mailbox    ${runtime.mailUrl}   (captured emails as JSON: ${runtime.apiUrl}/_local/mail)
  Clock      ${runtime.apiUrl}/_local/clock
  API docs   ${runtime.apiUrl}/docs   (OpenAPI 3.1: ${runtime.apiUrl}/openapi.json)
  DynamoDB   ${runtime.dynamoUrl}   (npm run api-key -- list)
  API key    ${apiKeyLine}
Press Ctrl-C to stop.
`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  try {
    await runtime.stop();
    process.exit(0);
  } catch (err) {
    console.error('could not stop cleanly:', err);
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
