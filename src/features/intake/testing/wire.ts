/**
 * Hand-built protobuf and snappy frames for tests: written against the wire format itself (varints, tags,
 * length-delimited fields; snappy literal blocks), independent of the schemas the intake decodes with.
 */
export type Field = [number, 'varint', number | bigint] | [number, 'bytes', Uint8Array | string | Field[]] | [number, 'double', number] | [number, 'fixed64', bigint];

function varint(value: number | bigint): number[] {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

export function message(fields: Field[]): Buffer {
  const parts: number[] = [];
  for (const [number, kind, value] of fields) {
    if (kind === 'varint') parts.push(...varint((number << 3) | 0), ...varint(value));
    else if (kind === 'double') {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(value);
      parts.push(...varint((number << 3) | 1), ...b);
    } else if (kind === 'fixed64') {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(value);
      parts.push(...varint((number << 3) | 1), ...b);
    } else {
      const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value instanceof Uint8Array ? Buffer.from(value) : message(value);
      parts.push(...varint((number << 3) | 2), ...varint(bytes.length), ...bytes);
    }
  }
  return Buffer.from(parts);
}

/** A snappy block made of literal runs only: valid snappy that any decoder must read back. */
export function snappyLiteral(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from(varint(data.length))];
  for (let i = 0; i < data.length; i += 65_536) {
    const run = data.subarray(i, i + 65_536);
    const n = run.length - 1;
    if (n < 60) parts.push(Buffer.from([n << 2]));
    else if (n < 256) parts.push(Buffer.from([60 << 2, n]));
    else parts.push(Buffer.from([61 << 2, n & 0xff, n >> 8]));
    parts.push(run);
  }
  return Buffer.concat(parts);
}
