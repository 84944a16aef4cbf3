import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createApiKey, json, registerUser, type Session } from '../../../test/support/http';
import { message, snappyLiteral } from './testing/wire';

let app: TestApp;
let user: Session;
let key: string;

beforeAll(async () => {
  app = await createTestApp({ config: { ingestBodyLimitBytes: 64 * 1024 } });
  user = await registerUser(app);
  key = await createApiKey(app, user);
});
afterAll(async () => app?.teardown());

const proto = { 'content-type': 'application/x-protobuf' };
const jsonType = { 'content-type': 'application/json' };
/** A snappy block that claims 100 MB: refused from its header, before anything is allocated. */
const bomb = Buffer.from([0x80, 0x80, 0x80, 0x30, 0x00]);

describe('malformed pushes answer 4xx naming the problem and store nothing', () => {
  const cases: [string, string, Record<string, string>, Buffer | string, number, string, RegExp][] = [
    ['remote_write: not snappy', '/api/v1/write', proto, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 400, 'VALIDATION_ERROR', /snappy/],
    ['remote_write: snappy but not a WriteRequest', '/api/v1/write', proto, snappyLiteral(Buffer.from([0x0a, 0xff, 0x01])), 400, 'VALIDATION_ERROR', /WriteRequest/],
    ['remote_write: series without __name__', '/api/v1/write', proto, snappyLiteral(message([[1, 'bytes', [[1, 'bytes', [[1, 'bytes', 'job'], [2, 'bytes', 'x']]]]]])), 400, 'VALIDATION_ERROR', /__name__/],
    ['remote_write: JSON', '/api/v1/write', jsonType, '{"timeseries":[]}', 415, 'UNSUPPORTED_MEDIA_TYPE', /x-protobuf/],
    ['remote_write: 2.0', '/api/v1/write', { 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' }, snappyLiteral(Buffer.alloc(0)), 415, 'UNSUPPORTED_MEDIA_TYPE', /2\.0/],
    ['remote_write: decompression bomb', '/api/v1/write', proto, bomb, 413, 'PAYLOAD_TOO_LARGE', /expands/],
    ['loki: no streams', '/loki/api/v1/push', jsonType, '{"lines":[]}', 400, 'VALIDATION_ERROR', /streams/],
    ['loki: bad timestamp', '/loki/api/v1/push', jsonType, '{"streams":[{"stream":{"a":"b"},"values":[["yesterday","x"]]}]}', 400, 'VALIDATION_ERROR', /streams\[0\]\.values\[0\].*nanoseconds/],
    ['loki: labels not strings', '/loki/api/v1/push', jsonType, '{"streams":[{"stream":{"a":1},"values":[]}]}', 400, 'VALIDATION_ERROR', /string labels/],
    ['loki: protobuf with a bad selector', '/loki/api/v1/push', proto, snappyLiteral(message([[1, 'bytes', [[1, 'bytes', 'job=x']]]])), 400, 'VALIDATION_ERROR', /labels/],
    ['loki: text body', '/loki/api/v1/push', { 'content-type': 'text/plain' }, 'hello', 400, 'VALIDATION_ERROR', /JSON object or a protobuf/],
    ['loki: broken gzip', '/loki/api/v1/push', { ...jsonType, 'content-encoding': 'gzip' }, Buffer.from('not gzip at all'), 400, 'VALIDATION_ERROR', /gzip/],
    ['loki: unknown encoding', '/loki/api/v1/push', { ...jsonType, 'content-encoding': 'br' }, '{}', 415, 'UNSUPPORTED_MEDIA_TYPE', /br/],
    ['otlp: protobuf that does not decode', '/v1/otlp/v1/logs', proto, Buffer.from([0x0a, 0x05, 0x01]), 400, 'INVALID_DATA', /OTLP logs protobuf/],
    ['ndjson: a bad line is named', '/api/v1/events/ingest', { 'content-type': 'application/x-ndjson' }, '{"type":"log","source":"a","message":"x"}\n{oops\n', 400, 'INVALID_JSON', /line 2/],
    ['ndjson: a record that is no event', '/api/v1/events/ingest', { 'content-type': 'application/x-ndjson' }, '{"foo":1}\n', 400, 'VALIDATION_ERROR', /events\.0/],
  ];
  for (const [name, url, headers, payload, status, code, text] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const res = await app.app.inject({ method: 'POST', url, headers: { 'x-api-key': key, ...headers }, payload });
      expect(res.statusCode, res.body).toBe(status);
      expect(json(res).error.code).toBe(code);
      expect(json(res).error.message).toMatch(text);
    });
  }

  it('a body over the ingest limit once gunzipped is 413 (zip bomb)', async () => {
    const big = gzipSync(JSON.stringify({ streams: [{ stream: { a: 'b' }, values: [['1', 'x'.repeat(200_000)]] }] }));
    expect(big.length).toBeLessThan(64 * 1024);
    const res = await app.app.inject({ method: 'POST', url: '/loki/api/v1/push', headers: { 'x-api-key': key, ...jsonType, 'content-encoding': 'gzip' }, payload: big });
    expect(res.statusCode).toBe(413);
  });

  it('a refused push stored nothing', async () => {
    const good = { streams: [{ stream: { host: 'atomic' }, values: [['1000000', 'fine']] }] };
    const mixed = { streams: [...good.streams, { stream: { host: 'atomic' }, values: [['bad', 'x']] }] };
    expect((await app.app.inject({ method: 'POST', url: '/loki/api/v1/push', headers: { 'x-api-key': key }, payload: mixed })).statusCode).toBe(400);
    const stored = json(await app.app.inject({ method: 'GET', url: '/api/v1/events?source=atomic', headers: user.headers })).data;
    expect(stored.total).toBe(0);
  });
});
