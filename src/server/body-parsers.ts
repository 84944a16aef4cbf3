import secureJson from 'secure-json-parse';
import { AppError } from '../lib/errors';
import type { App } from './types';

function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return secureJson.parse(body, undefined, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    throw new AppError({ code: 'INVALID_JSON', message: 'Request body is not valid JSON' });
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
