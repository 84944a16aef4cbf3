/**
 * Write-path cost of usage recording: requests/s of the same bare Fastify route with and without Vigil's usage
 * recorder (onResponse buffer + batched inserts into a file-backed SQLite every second), measured in one run.
 * Afterwards checks that every request made was stored. Usage: node --import tsx bench/usage/run.ts [--seconds 5] [--connections 50] [--rounds 3]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { systemClock } from '../../src/lib/clock';
import { createLogger } from '../../src/lib/logger';
import type { App } from '../../src/server/types';
import { createUsageRecorder } from '../../src/features/gateway/usage/usage.recorder';
import { createUsageRepository } from '../../src/features/gateway/usage/usage.repository';
import { bareServer, compare, fmt } from '../ratelimit/servers';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '50' }, rounds: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-usage-'));
  const database = openDatabase({ sqliteFile: path.join(dir, 'usage.db') });
  await migrateToLatest(database.db);
  const recorder = createUsageRecorder({
    repo: createUsageRepository(database.db),
    clock: systemClock,
    logger: createLogger('warn'),
    flushMs: 1_000,
    background: true,
    defaultOrganizationId: async () => 'bench',
  });
  recorder.start();

  const plain = await bareServer();
  const recorded = await bareServer((app) => recorder.install(app as unknown as App));
  const names = { off: 'route without usage recording', on: 'route with usage recording' };
  const results = await compare(
    [
      { name: names.off, url: plain.url },
      { name: names.on, url: recorded.url },
    ],
    { seconds, connections, rounds },
  );
  await Promise.all([plain.close(), recorded.close()]);
  await recorder.stop();
  const stored = await database.db.selectFrom('api_usage').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

  console.log(`Usage recording (autocannon, ${connections} connections, median of ${rounds} interleaved ${seconds} s runs, client in the same process)`);
  for (const [name, r] of results) console.log(`  ${name.padEnd(40)} ${fmt(r.rps).padStart(8)} req/s   p99 ${r.p99} ms`);
  const on = results.get(names.on)!.rps;
  const off = results.get(names.off)!.rps;
  console.log(`  with / without recording:               ${(on / off).toFixed(3)}x  (cost ${((1 - on / off) * 100).toFixed(1)}%)`);
  console.log(`  rows stored after a clean stop: ${fmt(Number(stored.n))} (responses autocannon counted on that route, warm-up excluded: ${fmt(results.get(names.on)!.total)})`);
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();
