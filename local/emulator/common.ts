/**
 * What every part of the emulator shares: the AWS error shape and the restJson1 plumbing (reading a
 * bounded body, answering JSON or an error the SDK recognises), and two small helpers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type JsonObject = Record<string, unknown>;
/** Which error shape an answer takes. */
export type Service = 'scheduler' | 'lambda';

/** Lambda's synchronous payload limit; far above any Scheduler request. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** An error answered to the client in the AWS error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const validation = (message: string) => new ApiError(400, 'ValidationException', message);

export const unknownOperation = (method: string, pathname: string) =>
  new ApiError(404, 'UnknownOperationException', `No emulated operation for ${method} ${pathname}`);

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(413, 'RequestEntityTooLargeException', 'Request body is too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJsonObject(body: Buffer): JsonObject {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validation('Request body is not valid JSON');
  }
  if (!isObject(parsed)) throw validation('Request body must be a JSON object');
  return parsed;
}

export function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(body);
}

export const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, JSON.stringify(body));

export function sendError(res: ServerResponse, service: Service, err: ApiError): void {
  // Scheduler's errors carry `Message`, Lambda's `Type` + `message`; the SDK reads the name from the header.
  const body = service === 'scheduler' ? { Message: err.message } : { Type: 'User', message: err.message };
  send(res, err.status, JSON.stringify(body), { 'x-amzn-errortype': err.code });
}
