import { createGunzip, createInflate } from 'node:zlib';
import { Transform, type Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import snappy from 'snappyjs';
import { AppError } from '../../lib/errors';

/** The uncompressed length a snappy block declares in its first bytes (a varint), or -1 when unreadable. */
export function snappyDeclaredLength(block: Uint8Array): number {
  let result = 0;
  for (let i = 0, shift = 0; i < Math.min(block.length, 5); i++, shift += 7) {
    const byte = block[i]!;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return result;
  }
  return -1;
}

/**
 * Snappy block format, as Prometheus remote_write and Loki's protobuf push send it. The declared length is
 * checked before anything is allocated, so a small body cannot claim gigabytes.
 */
export function snappyDecode(block: Buffer, maxBytes: number): Buffer {
  const declared = snappyDeclaredLength(block);
  if (declared < 0) throw new AppError({ code: 'VALIDATION_ERROR', message: 'Body is not snappy-compressed (block format): the length header is unreadable' });
  if (declared > maxBytes) {
    throw new AppError({ code: 'PAYLOAD_TOO_LARGE', message: `Snappy body expands to ${declared} bytes, above the limit of ${maxBytes}`, details: { limit_bytes: maxBytes } });
  }
  try {
    const out = snappy.uncompress(block, maxBytes);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  } catch {
    throw new AppError({ code: 'VALIDATION_ERROR', message: 'Body is not valid snappy-compressed data (block format, as remote_write and Loki send it)' });
  }
}

/** Counts the compressed bytes read, so Fastify's body limit applies to both sides of the decompression. */
function counting(source: Readable, decoder: Transform, encoding: string): Transform & { receivedEncodedLength: number } {
  const stream = decoder as Transform & { receivedEncodedLength: number };
  stream.receivedEncodedLength = 0;
  source.on('data', (chunk: Buffer) => (stream.receivedEncodedLength += chunk.length));
  source.on('error', (error) => stream.destroy(error));
  decoder.on('error', (error: Error & { statusCode?: number }) => {
    error.statusCode = 400;
    error.message = `Body is not valid ${encoding} data (Content-Encoding: ${encoding}): ${error.message}`;
  });
  return stream;
}

/**
 * Route-level `preParsing` hook: bodies sent with `Content-Encoding: gzip` (or deflate) are decompressed before
 * they are parsed, as the OpenTelemetry Collector, Promtail and Fluent Bit send them by default. `snappy` is
 * left for the route (it is block-compressed protobuf, not a stream).
 */
export async function decodeContentEncoding(request: FastifyRequest, _reply: unknown, payload: Readable): Promise<Readable> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '' || encoding === 'snappy') return payload;
  if (encoding === 'gzip' || encoding === 'x-gzip') return payload.pipe(counting(payload, createGunzip(), 'gzip'));
  if (encoding === 'deflate') return payload.pipe(counting(payload, createInflate(), 'deflate'));
  throw new AppError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: `Content-Encoding '${encoding}' is not supported: send identity, gzip, deflate or (protobuf only) snappy` });
}
