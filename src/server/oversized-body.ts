import type { IncomingMessage } from 'node:http';

/**
 * Reads and discards what a client is still sending of a refused (oversized) body, up to `capBytes` and
 * `timeoutMs`, so that its 413 arrives: closing a connection that still has unread request bytes makes the
 * kernel reset it, and the reset discards the answer on the client's side before it is read ("broken pipe").
 * Past the cap the connection is closed anyway (a client sending gigabytes gets no answer rather than our time).
 */
export function drainRequest(raw: IncomingMessage, capBytes: number, timeoutMs = 10_000): Promise<{ drained: number; complete: boolean }> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve({ drained: 0, complete: true });
  return new Promise((resolve) => {
    let drained = 0;
    let settled = false;
    const finish = (complete: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('error', onError);
      raw.off('close', onClose);
      resolve({ drained, complete });
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > capBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    const onClose = () => finish(raw.complete);
    const timer = setTimeout(() => finish(false), timeoutMs);
    timer.unref();
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('error', onError);
    raw.on('close', onClose);
    raw.resume();
  });
}
