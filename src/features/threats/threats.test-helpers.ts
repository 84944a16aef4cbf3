import { expect } from 'vitest';
import type { TestApp } from '../../../test/support/test-app';
import { json, type Session } from '../../../test/support/http';

/** Test helpers of the threat API (imported by its tests only). */
export const failedLogin = (ip: string, user = 'root') => `Failed password for ${user} from ${ip} port 22 ssh2`;
export const sqliLine = (ip: string) =>
  `${ip} - - [23/Nov/2026:10:00:00 +0000] "GET /products.php?id=1'%20OR%20'1'='1 HTTP/1.1" 200 512 "-" "curl/8.4.0"`;
export const benignLine = 'Accepted publickey for deploy from 10.1.2.3 port 50000 ssh2: ED25519 SHA256:abc';

export async function detect(app: TestApp, session: Session, logEntry: string, extra: Record<string, unknown> = {}) {
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/detect', headers: session.headers, payload: { log_entry: logEntry, ...extra } });
  expect(res.statusCode, res.body).toBe(200);
  return json(res).data;
}

/** Five failed logins from one address; returns the fifth answer (the brute-force threat). */
export async function bruteForce(app: TestApp, session: Session, ip: string) {
  let last: any = null;
  for (let i = 0; i < 5; i++) last = await detect(app, session, failedLogin(ip));
  return last;
}

/** The executor generates playbooks after /detect answers: poll until it is there (bounded by attempts, not time). */
export async function playbookOf(app: TestApp, session: Session, threatId: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const res = await app.app.inject({ method: 'GET', url: `/api/v1/playbooks?threat_id=${threatId}`, headers: session.headers });
    const playbooks = json(res).data.playbooks;
    if (playbooks.length > 0) return playbooks[0];
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no playbook was generated for threat ${threatId}`);
}
