import http from 'node:http';
import https from 'node:https';
import { REFUSED, type OutboundGuard } from '../../../lib/net/outbound-guard';

export interface SendResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One POST attempt with a hard deadline covering connect, upload and response. Redirects are not followed
 * (a 3xx is a failed attempt), and the outbound guard checks every resolved address at connect time. A refused
 * destination is reported as `refused` only, with no status or timing, so the log cannot map a network.
 */
export function postJson(input: { url: string; body: string; headers: Record<string, string>; timeoutMs: number; guard: OutboundGuard }): Promise<SendResult> {
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
    const refused = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode: null, error: REFUSED, durationMs: 0 });
    };
    if (input.guard.literalRefused(url.hostname)) return refused();
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(input.body)),
        'user-agent': 'Vigil-Webhooks/1',
        ...input.headers,
      },
      lookup: input.guard.lookup,
      agent: false,
    });
    timer = setTimeout(() => {
      finish(null, `timed out after ${input.timeoutMs} ms`);
      request.destroy();
    }, input.timeoutMs);
    request.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'EREFUSED_BY_GUARD' ? refused() : finish(null, error.message.slice(0, 500))));
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
