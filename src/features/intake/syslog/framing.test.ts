import { describe, expect, it } from 'vitest';
import { createFrameDecoder } from './framing';

function decode(chunks: (string | Buffer)[], max = 1024) {
  const frames: string[] = [];
  let oversize = 0;
  const decoder = createFrameDecoder(max, { frame: (f) => frames.push(f), oversize: () => oversize++ });
  for (const chunk of chunks) decoder.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  decoder.end();
  return { frames, oversize };
}

describe('syslog stream framing (RFC 6587)', () => {
  it('LF framing, with CRLF and NUL ends, split anywhere across chunks', () => {
    expect(decode(['<13>Dec  5 a: one\n<13>Dec  5 a: t', 'wo\r\n<13>x\0']).frames).toEqual(['<13>Dec  5 a: one', '<13>Dec  5 a: two', '<13>x']);
  });

  it('octet counting, including frames that contain LF and a count split across chunks', () => {
    const a = '<13>1 - h app - - - line\nwith LF';
    const b = '<14>1 - h app - - - second';
    expect(decode([`${Buffer.byteLength(a)} ${a}${String(Buffer.byteLength(b)).slice(0, 1)}`, `${String(Buffer.byteLength(b)).slice(1)} ${b}`]).frames).toEqual([a, b]);
  });

  it('counts bytes, not characters', () => {
    const f = '<13>1 - h app - - - café ✓';
    expect(decode([`${Buffer.byteLength(f)} ${f}`]).frames).toEqual([f]);
  });

  it('mixes both methods on one connection; a line without PRI that starts with digits stays LF-framed', () => {
    expect(decode(['5 <13>a<13>b\n2026-12-05T00:00:00Z host app: c\n']).frames).toEqual(['<13>a', '<13>b', '2026-12-05T00:00:00Z host app: c']);
  });

  it('drops oversize frames (either method) and keeps decoding what follows', () => {
    const long = `<13>${'x'.repeat(50)}`;
    expect(decode([`${long}\n<13>ok\n60 ${'y'.repeat(60)}<13>after\n`], 20)).toEqual({ frames: ['<13>ok', '<13>after'], oversize: 2 });
  });

  it('a last frame without LF still counts when the connection ends', () => {
    expect(decode(['<13>a\n<13>last']).frames).toEqual(['<13>a', '<13>last']);
  });
});
