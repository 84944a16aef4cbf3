import { expect } from 'vitest';
import type { TestApp } from '../../../test/support/test-app';
import { json, type Session } from '../../../test/support/http';
import { waitForResult } from '../drift/testing/drift-test-helpers';
import { bruteForce } from '../threats/threats.test-helpers';

/** A steady metric then one far outlier: the anomaly engine stores an anomaly for `source`. */
export async function createAnomaly(app: TestApp, session: Session, source: string, metric = 'cpu') {
  const start = Date.now() - 40 * 60_000;
  const events = Array.from({ length: 30 }, (_, i) => ({
    type: 'metric', source, name: metric, value: i === 29 ? 1000 : 100 + (i % 3), timestamp: new Date(start + i * 60_000).toISOString(),
  }));
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: session.headers, payload: { events } });
  expect(res.statusCode, res.body).toBe(202);
  for (let attempt = 0; attempt < 200; attempt++) {
    const list = json(await app.app.inject({ method: 'GET', url: `/api/v1/anomalies?source=${encodeURIComponent(source)}`, headers: session.headers })).data;
    if (list.anomalies.length > 0) return list.anomalies[0];
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no anomaly for ${source}`);
}

export async function createThreat(app: TestApp, session: Session, ip: string) {
  return bruteForce(app, session, ip);
}

/** Changes a live resource's tags and runs a full drift scan (needs an app with background jobs on). */
export async function createDriftResult(app: TestApp, session: Session) {
  const resources = json(await app.app.inject({ method: 'GET', url: '/api/v1/resources?limit=1000', headers: session.headers })).data.resources;
  const web = resources.find((r: any) => r.type === 'aws_instance') ?? resources[0];
  await app.app.inject({ method: 'PUT', url: `/api/v1/resources/${web.id}/tags`, headers: session.headers, payload: { tags: { ...web.tags, Environment: `changed-${Date.now()}` } } });
  const accepted = json(await app.app.inject({ method: 'POST', url: '/api/v1/drift/detect', headers: session.headers })).data;
  return waitForResult(app, session.headers, accepted.result_id);
}
