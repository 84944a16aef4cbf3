/**
 * Discovery of N terraform state files (default 1,000, generated in a temporary directory tree) by the state
 * module — list, read, parse, record a version per state — against a naive baseline in the same run
 * (readFile + JSON.parse of each file, sequentially, nothing stored). Also the warm re-discovery, where
 * unchanged files (same size and mtime) are not read again.
 * Usage: node --import tsx bench/drift-state/run.ts [--files 1000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { loadConfig } from '../../src/lib/config';
import { createLogger } from '../../src/lib/logger';
import { systemClock } from '../../src/lib/clock';
import { createStateRepository } from '../../src/features/drift/state/state.repository';
import { createSecretBox } from '../../src/lib/secret-box';
import { randomToken } from '../../src/lib/crypto';
import { createDriverRegistry } from '../../src/features/drift/state/backends/registry';
import { createStateStore } from '../../src/features/drift/state/state-store';
import { createBackendsService } from '../../src/features/drift/state/backends.service';

const { values } = parseArgs({ options: { files: { type: 'string', default: '1000' } } });
const count = Number(values.files);
const here = path.dirname(fileURLToPath(import.meta.url));
const template = JSON.parse(fs.readFileSync(path.join(here, '../../src/features/drift/state/__fixtures__/web.tfstate'), 'utf8'));

function generate(root: string) {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `team-${i % 20}`, `env-${Math.floor(i / 20)}`);
    fs.mkdirSync(dir, { recursive: true });
    const state = { ...template, serial: i + 1, lineage: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` };
    const file = path.join(dir, 'terraform.tfstate');
    fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
    files.push(file);
  }
  return files;
}

async function naive(files: string[]) {
  let resources = 0;
  const started = performance.now();
  for (const file of files) resources += (JSON.parse(await fs.promises.readFile(file, 'utf8')) as { resources: unknown[] }).resources.length;
  return { ms: performance.now() - started, resources };
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-states-'));
  const files = generate(root);
  const database = openDatabase({ sqliteFile: ':memory:' });
  await migrateToLatest(database.db);
  const orgId = 'bench-org';
  await database.db.insertInto('organizations').values({ id: orgId, name: 'bench', created_at: Date.now() }).execute();
  const logger = createLogger('silent');
  const repo = createStateRepository(database.db);
  const drivers = createDriverRegistry();
  const store = createStateStore({ repo, drivers, clock: systemClock, logger });
  const backends = createBackendsService({
    repo,
    store,
    drivers,
    clock: systemClock,
    logger,
    config: loadConfig({ terraformRoots: root, logLevel: 'silent', dataDir: root }, {}),
    defaultOrganizationId: async () => orgId,
    secrets: createSecretBox(randomToken(48)),
  });

  const baseline = await naive(files);
  let started = performance.now();
  await backends.discover(orgId, { providers: ['local'] });
  const cold = performance.now() - started;
  const stored = await database.db.selectFrom('state_versions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  started = performance.now();
  await backends.discover(orgId, { providers: ['local'] });
  const warm = performance.now() - started;

  console.log(`state files: ${count} (${(files.reduce((n, f) => n + fs.statSync(f).size, 0) / 1024 / 1024).toFixed(1)} MiB), versions recorded: ${Number(stored.n)}`);
  console.log(`naive baseline (readFile + JSON.parse, sequential, nothing stored): ${baseline.ms.toFixed(0)} ms`);
  console.log(`discovery, cold (list + read + v4 parse + version stored in SQLite): ${cold.toFixed(0)} ms (${(cold / baseline.ms).toFixed(2)}x the baseline)`);
  console.log(`discovery, warm (unchanged files skipped by size + mtime): ${warm.toFixed(0)} ms (${(warm / baseline.ms).toFixed(2)}x the baseline)`);
  await drivers.closeAll();
  await database.close();
  fs.rmSync(root, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
