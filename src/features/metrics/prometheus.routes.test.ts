import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createApiKey, json, loginAdmin, type Session } from '../../../test/support/http';

const PROMETHEUS = ['/usr/bin/prometheus', ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'prometheus'))].find((p) => fs.existsSync(p)) ?? null;
if (!PROMETHEUS) console.log('SKIP real Prometheus test: `prometheus` is not installed (apt-get install prometheus)');

const TOKEN = 'scrape-token-0123456789abcdef';
let app: TestApp;
let admin: Session;
let port: number;

beforeAll(async () => {
  app = await createTestApp({ config: { metricsToken: TOKEN } });
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.app.server.address() as net.AddressInfo).port;
  admin = await loginAdmin(app);
});
afterAll(async () => app?.teardown());

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as net.AddressInfo;
      server.close(() => resolve(p));
    });
  });

describe.runIf(PROMETHEUS)('a real Prometheus', () => {
  it('scrapes /metrics with the metrics token and remote_writes its samples into Vigil', async () => {
    const key = await createApiKey(app, admin, ['read', 'write']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-prometheus-'));
    const target = `127.0.0.1:${port}`;
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: vigil',
      `    authorization: { credentials: ${TOKEN} }`,
      `    static_configs: [{ targets: ['${target}'] }]`,
      'remote_write:',
      `  - url: http://${target}/api/v1/write`,
      `    authorization: { credentials: ${key} }`,
      '    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s }',
    ].join('\n'));
    let prometheus: ChildProcess | null = null;
    try {
      prometheus = spawn(PROMETHEUS!, [
        `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${await freePort()}`, '--log.level=warn',
      ], { stdio: 'ignore' });
      const seen = async (name: string) =>
        json(await app.app.inject({ method: 'GET', url: `/api/v1/events?type=metric&source=${encodeURIComponent(target)}&name=${encodeURIComponent(name)}&limit=5`, headers: admin.headers })).data.events;
      let up: any[] = [];
      let scraped: any[] = [];
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (up.length === 0 || scraped.length === 0)) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        up = await seen('up{job=vigil}');
        scraped = await seen('vigil_dependency_up{dependency=database,job=vigil}');
      }
      // `up` is 1 only when the scrape of /metrics succeeded (authorised, parsable); it reached Vigil by remote_write.
      expect(up.length).toBeGreaterThan(0);
      expect(up.some((e: any) => e.value === 1)).toBe(true);
      expect(up[0].metadata.labels).toMatchObject({ __name__: 'up', instance: target, job: 'vigil' });
      expect(scraped[0].value).toBe(1);
      const metrics = await app.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(metrics.body).toMatch(/vigil_events_ingested_total\{type="metric",intake="remote_write"\} [1-9]/);
      expect(metrics.body).toMatch(/vigil_http_request_duration_seconds_count\{method="GET",route="\/metrics",status_code="200"\} [1-9]/);
    } finally {
      prometheus?.kill('SIGTERM');
      await new Promise((resolve) => (prometheus && prometheus.exitCode === null ? prometheus.once('exit', resolve) : resolve(null)));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
