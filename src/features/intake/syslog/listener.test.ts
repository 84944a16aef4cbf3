import dgram from 'node:dgram';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger';
import { createSyslogListeners } from './listener';

/** A commit that holds every batch until released: the state of a busy database. */
function heldCommit() {
  const committed: string[] = [];
  let release!: () => void;
  let gate = new Promise<void>((resolve) => (release = resolve));
  return {
    committed,
    open: () => release(),
    commit: async (_org: string, items: unknown[]) => {
      await gate;
      committed.push(...items.map((i) => (i as { message: string }).message));
      gate = Promise.resolve();
      return { accepted: items.length };
    },
  };
}

function listeners(maxQueued: number, commit: ReturnType<typeof heldCommit>['commit']) {
  const counts: Record<string, number> = {};
  const syslog = createSyslogListeners({
    options: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, maxFrameBytes: 1024, maxQueued },
    organizationId: async () => 'org-1',
    commit,
    metrics: { syslogFrames: (transport, outcome, n = 1) => (counts[`${transport}:${outcome}`] = (counts[`${transport}:${outcome}`] ?? 0) + n) },
    logger: createLogger('silent'),
    now: () => Date.now(),
  });
  return { syslog, counts };
}

describe('syslog under load', () => {
  it('UDP beyond the queue is dropped and counted; what was queued is committed once the database answers', async () => {
    const held = heldCommit();
    const { syslog, counts } = listeners(3, held.commit);
    await syslog.start();
    try {
      const socket = dgram.createSocket('udp4');
      for (let i = 0; i < 6; i++) await new Promise<void>((resolve) => socket.send(`<13>frame ${i}`, syslog.addresses().udp!, '127.0.0.1', () => resolve()));
      socket.close();
      for (let i = 0; i < 100 && (counts['udp:accepted'] ?? 0) + (counts['udp:dropped_overload'] ?? 0) < 6; i++) await new Promise((r) => setTimeout(r, 10));
      expect(counts).toMatchObject({ 'udp:accepted': 3, 'udp:dropped_overload': 3 });
      held.open();
      await syslog.drain();
      expect(held.committed).toEqual(['<13>frame 0', '<13>frame 1', '<13>frame 2']);
    } finally {
      await syslog.stop();
    }
  });

  it('TCP senders are paused instead: nothing is lost', async () => {
    const held = heldCommit();
    const { syslog, counts } = listeners(3, held.commit);
    await syslog.start();
    try {
      const frames = Array.from({ length: 20 }, (_, i) => `<13>tcp ${i}`);
      const socket = net.connect(syslog.addresses().tcp!, '127.0.0.1');
      for (const frame of frames.slice(0, 10)) await new Promise<void>((resolve) => socket.write(`${frame}\n`, () => setTimeout(resolve, 2)));
      // Several frames in one chunk past the bound: all kept, the socket is paused after the chunk.
      socket.write(frames.slice(10).map((f) => `${f}\n`).join(''));
      setTimeout(() => held.open(), 100);
      socket.end();
      for (let i = 0; i < 300 && held.committed.length < frames.length; i++) {
        await syslog.drain();
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(held.committed).toEqual(frames);
      expect(counts['tcp:dropped_overload']).toBeUndefined();
    } finally {
      await syslog.stop();
    }
  });
});
