/**
 * Syslog over a stream (RFC 6587): each frame is either octet-counted (`<length> <frame>`, RFC 5425/6587
 * 3.4.1) or ends with LF (non-transparent framing, 3.4.2; a NUL or CRLF end is accepted too). Senders may mix
 * both on one connection, so the method is chosen per frame: a frame that starts with digits and a space is
 * octet-counted, anything else (syslog frames start with `<`) runs to the next LF.
 */
export interface FrameSink {
  frame(text: string): void;
  /** A frame longer than the limit: its bytes are skipped (LF framing) or discarded (octet counting). */
  oversize(): void;
}

const SPACE = 0x20;
const LF = 0x0a;
const NUL = 0x00;

export function createFrameDecoder(maxFrameBytes: number, sink: FrameSink) {
  let buffer: Buffer = Buffer.alloc(0);
  /** While > 0, bytes of an oversize octet-counted frame still to discard. */
  let discard = 0;
  /** An LF-framed frame went past the limit: skip until its LF. */
  let skippingLine = false;

  function emit(bytes: Buffer) {
    let end = bytes.length;
    while (end > 0 && (bytes[end - 1] === 0x0d || bytes[end - 1] === NUL)) end--;
    if (end > 0) sink.frame(bytes.toString('utf8', 0, end));
  }

  /** Returns false when more bytes are needed (or the connection must be dropped). */
  function next(): boolean {
    if (buffer.length === 0) return false;
    if (discard > 0) {
      const n = Math.min(discard, buffer.length);
      discard -= n;
      buffer = buffer.subarray(n);
      return buffer.length > 0;
    }
    if (skippingLine) {
      const lf = buffer.indexOf(LF);
      if (lf < 0) {
        buffer = Buffer.alloc(0);
        return false;
      }
      skippingLine = false;
      buffer = buffer.subarray(lf + 1);
      return true;
    }
    const first = buffer[0]!;
    if (first === LF || first === 0x0d || first === NUL) {
      buffer = buffer.subarray(1);
      return true;
    }
    if (first >= 0x30 && first <= 0x39) {
      let digits = 0;
      while (digits < buffer.length && digits <= 10 && buffer[digits]! >= 0x30 && buffer[digits]! <= 0x39) digits++;
      if (digits === buffer.length && digits <= 10) return false;
      // Digits then a space: an octet count. Digits then anything else: a frame without PRI, LF-framed.
      if (digits <= 10 && buffer[digits] === SPACE) {
        const length = Number(buffer.toString('latin1', 0, digits));
        const rest = buffer.subarray(digits + 1);
        if (length > maxFrameBytes) {
          sink.oversize();
          discard = length;
          buffer = rest;
          return true;
        }
        if (rest.length < length) return false;
        emit(rest.subarray(0, length));
        buffer = rest.subarray(length);
        return true;
      }
    }
    const lf = buffer.indexOf(LF);
    if (lf < 0) {
      if (buffer.length > maxFrameBytes) {
        sink.oversize();
        skippingLine = true;
        buffer = Buffer.alloc(0);
      }
      return false;
    }
    if (lf > maxFrameBytes) sink.oversize();
    else emit(buffer.subarray(0, lf));
    buffer = buffer.subarray(lf + 1);
    return true;
  }

  return {
    push(chunk: Buffer) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      while (next());
    },
    /** The connection ended: a last LF-framed frame without its LF still counts. */
    end() {
      if (discard === 0 && !skippingLine && buffer.length > 0) emit(buffer);
      buffer = Buffer.alloc(0);
    },
  };
}
