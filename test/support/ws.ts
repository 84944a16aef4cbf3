import WebSocket from 'ws';

export interface WsClient {
  socket: WebSocket;
  messages: any[];
  /** Resolves with the first message (already received or future) that matches. */
  next(predicate: (message: any) => boolean, timeoutMs?: number): Promise<any>;
  closed: Promise<number>;
  close(): void;
}

export function connectWs(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const messages: any[] = [];
    const waiters: { predicate: (m: any) => boolean; resolve: (m: any) => void }[] = [];
    const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)));
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      messages.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(message)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
    socket.on('error', reject);
    socket.on('open', () =>
      resolve({
        socket,
        messages,
        closed,
        close: () => socket.close(),
        next(predicate, timeoutMs = 5000) {
          const seen = messages.find(predicate);
          if (seen) return Promise.resolve(seen);
          return new Promise((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`no matching WebSocket message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)), timeoutMs);
            waiters.push({ predicate, resolve: (m) => { clearTimeout(timer); done(m); } });
          });
        },
      }),
    );
  });
}
