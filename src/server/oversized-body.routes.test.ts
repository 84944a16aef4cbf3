import http, { type IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app';
import { drainRequest } from './oversized-body';

/** Oversized bodies are answered 413, never cut off: the server reads (and drops) the rest before closing. */
let app: TestApp;
let port: number;
beforeAll(async () => {
  app = await createTestApp();
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.app.server.address() as AddressInfo).port;
});
afterAll(() => app.teardown());

const BODY = Buffer.alloc(4 * 1024 * 1024, 'a');

/** Sends the whole body in 64 KiB writes, as a fuzzer's client does, and reports what came back. */
function send(chunked: boolean): Promise<{ status: number | null; error: string | null; body: string }> {
  return new Promise((resolve) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/v1/auth/login',
      agent: false,
      headers: { 'content-type': 'application/json', ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(BODY.length) }) },
    });
    let status: number | null = null;
    request.on('response', (response) => {
      status = response.statusCode ?? null;
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status, error: null, body }));
    });
    request.on('error', (error) => resolve({ status, error: (error as NodeJS.ErrnoException).code ?? error.message, body: '' }));
    let offset = 0;
    const writeMore = () => {
      while (offset < BODY.length) {
        const chunk = BODY.subarray(offset, offset + 65_536);
        offset += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', writeMore);
      }
      request.end();
    };
    writeMore();
  });
}

describe('a 4 MB body on a 1 MB route', () => {
  it('always gets its 413 with the error envelope, under concurrency, with and without Content-Length', async () => {
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => send(i % 2 === 1)));
    const failures = results.filter((r) => r.status !== 413);
    expect(failures).toEqual([]);
    for (const result of results) expect(JSON.parse(result.body).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('drainRequest', () => {
  it('stops at the cap and reports the request incomplete', async () => {
    const stream = new PassThrough();
    const pending = drainRequest(stream as unknown as IncomingMessage, 1000, 5_000);
    stream.write(Buffer.alloc(600));
    stream.write(Buffer.alloc(600));
    expect(await pending).toEqual({ drained: 1200, complete: false });
  });
});
