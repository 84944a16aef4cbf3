import secureJson from 'secure-json-parse';
import { AppError } from '../lib/errors';
import { shipperRecordToEvent } from './ndjson';
import type { App } from './types';

/** Deeper documents are refused: recursive code downstream (validation, serialization) would overflow its stack. */
export const MAX_JSON_DEPTH = 64;

function deeperThan(value: unknown, limit: number): boolean {
  const stack: [object, number][] = value !== null && typeof value === 'object' ? [[value, 1]] : [];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined;
  let value: unknown;
  try {
    value = secureJson.parse(body, undefined, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    throw new AppError({ code: 'INVALID_JSON', message: 'Request body is not valid JSON' });
  }
  if (deeperThan(value, MAX_JSON_DEPTH)) {
    throw new AppError({ code: 'INVALID_JSON', message: `Request body is nested deeper than ${MAX_JSON_DEPTH} levels` });
  }
  return value;
}

/** One JSON value per line; blank lines are skipped; a bad line is named by its number. Read as `{ events: [...] }`. */
function parseNdjson(body: string): { events: unknown[] } {
  const events: unknown[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      events.push(shipperRecordToEvent(parseJson(line)));
    } catch {
      throw new AppError({ code: 'INVALID_JSON', message: `NDJSON line ${i + 1} is not valid JSON (or nested deeper than ${MAX_JSON_DEPTH} levels)`, details: { line: i + 1 } });
    }
  }
  if (events.length === 0) throw new AppError({ code: 'VALIDATION_ERROR', message: 'The NDJSON body holds no lines' });
  return { events };
}

const looksLikeNdjson = (body: string) => body.trimStart().startsWith('{') && /}\s*\r?\n\s*{/.test(body);

function tryNdjson(body: string): { events: unknown[] } | null {
  try {
    return parseNdjson(body);
  } catch {
    return null;
  }
}

/**
 * JSON is the API's language. An empty body is "no body" rather than an error, and bodies sent by curl's
 * default form content type or as text are read as JSON when they look like JSON, so `curl -d '{...}'` works.
 */
export function installBodyParsers(app: App) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/merge-patch+json'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJson(body as string));
    } catch (error) {
      // Some shippers label newline-delimited JSON as application/json (Fluent Bit's json_lines, for one).
      const ndjson = looksLikeNdjson(body as string) ? tryNdjson(body as string) : null;
      if (ndjson) done(null, ndjson);
      else done(error as Error, undefined);
    }
  });
  app.addContentTypeParser(['application/x-ndjson', 'application/ndjson', 'application/jsonlines', 'application/json-lines'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseNdjson(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Binary wire formats (OTLP, Prometheus remote_write, Loki push) reach their routes as a Buffer.
  app.addContentTypeParser(['application/x-protobuf', 'application/protobuf'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    const trimmed = text.trim();
    try {
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) return done(null, parseJson(text));
      if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') && trimmed !== '') {
        return done(null, Object.fromEntries(new URLSearchParams(text)));
      }
      done(null, trimmed === '' ? undefined : text);
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
