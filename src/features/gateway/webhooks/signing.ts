import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** A Standard Webhooks secret: `whsec_` + base64 of 24 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

/**
 * The HMAC key of a secret. For `whsec_` secrets it is the base64-decoded part after the prefix (as the Standard
 * Webhooks libraries do); any other secret is used as its UTF-8 bytes.
 */
export function signingKey(secret: string): Buffer {
  if (secret.startsWith(SECRET_PREFIX)) {
    const decoded = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
    if (decoded.length > 0) return decoded;
  }
  return Buffer.from(secret, 'utf8');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', signingKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** Headers of one signed attempt (the id stays the same across retries so receivers can de-duplicate). */
export function signedHeaders(secret: string | null, id: string, timestampSeconds: number, body: string): Record<string, string> {
  const headers: Record<string, string> = { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds) };
  if (secret) headers['webhook-signature'] = sign(secret, id, timestampSeconds, body);
  return headers;
}
