import secureJson from 'secure-json-parse';
import { AppError } from '../lib/errors';
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
      done(error as Error, undefined);
    }
  });
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
