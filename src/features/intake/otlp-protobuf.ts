import { AppError } from '../../lib/errors';
import { decodeContentEncoding } from './decompress';
import { otlpTypes, type OtlpSignal } from './proto/otlp.proto';

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/** OTLP/JSON writes trace and span ids as hex; decoded protobuf (with `bytes: String`) has them in base64. */
function idsToHex(record: Json, keys: string[]) {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string') record[key] = Buffer.from(value, 'base64').toString('hex');
  }
}

/**
 * An OTLP/HTTP protobuf body (`Content-Type: application/x-protobuf`) to the OTLP/JSON object the JSON
 * converters read: same field names, 64-bit integers as strings, ids in hex.
 */
export function decodeOtlpProtobuf(signal: OtlpSignal, body: Buffer): Json {
  const type = otlpTypes[signal].request;
  let decoded;
  try {
    decoded = type.decode(body);
  } catch (error) {
    throw new AppError({ code: 'VALIDATION_ERROR', message: `Body is not a valid OTLP ${signal} protobuf message: ${(error as Error).message}` });
  }
  const object = type.toObject(decoded, { longs: String, enums: Number, bytes: String, defaults: false }) as Json;
  if (signal === 'logs') {
    for (const rl of list(object.resourceLogs)) for (const sl of list(rl.scopeLogs)) for (const r of list(sl.logRecords)) idsToHex(r, ['traceId', 'spanId']);
  } else if (signal === 'traces') {
    for (const rs of list(object.resourceSpans)) for (const ss of list(rs.scopeSpans)) for (const s of list(ss.spans)) idsToHex(s, ['traceId', 'spanId', 'parentSpanId']);
  }
  return object;
}

/** The Export*ServiceResponse in protobuf: empty when everything was accepted, else its partial_success. */
export function encodeOtlpResponse(signal: OtlpSignal, rejected: number, errorMessage: string | null): Buffer {
  const { response, rejectedField } = otlpTypes[signal];
  const payload = rejected > 0 || errorMessage ? { partialSuccess: { [rejectedField]: rejected, errorMessage: errorMessage ?? '' } } : {};
  return Buffer.from(response.encode(response.fromObject(payload)).finish());
}

/** What the OTLP routes need to speak protobuf and compressed bodies. */
export const otlpProtobufCodec = { decode: decodeOtlpProtobuf, encodeResponse: encodeOtlpResponse, preParsing: decodeContentEncoding };
export type OtlpProtobufCodec = typeof otlpProtobufCodec;
