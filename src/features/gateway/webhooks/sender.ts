import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { guardedLookup, isPrivateAddress } from './destination';

export interface SendResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One POST attempt with a hard deadline covering connect, upload and response. Redirects are not followed
 * (a 3xx is a failed attempt), and with `allowPrivate` false every resolved address is checked at connect time.
 */
export function postJson(input: { url: string; body: string; headers: Record<string, string>; timeoutMs: number; allowPrivate: boolean }): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode, error, durationMs: elapsed() });
    };
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      return finish(null, 'invalid URL');
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!input.allowPrivate && net.isIP(host) && isPrivateAddress(host)) return finish(null, `destination ${host} is a private address`);
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(input.body)),
        'user-agent': 'Vigil-Webhooks/1',
        ...input.headers,
      },
      lookup: input.allowPrivate ? undefined : guardedLookup,
      agent: false,
    });
    timer = setTimeout(() => {
      finish(null, `timed out after ${input.timeoutMs} ms`);
      request.destroy();
    }, input.timeoutMs);
    request.on('error', (error) => finish(null, error.message.slice(0, 500)));
    request.on('response', (response) => {
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) response.destroy();
      });
      response.on('error', () => finish(response.statusCode ?? null, null));
      response.on('close', () => finish(response.statusCode ?? null, null));
      response.on('end', () => finish(response.statusCode ?? null, null));
    });
    request.end(input.body);
  });
}
