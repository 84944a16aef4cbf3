import type { TestApp } from '../../../../test/support/test-app';
import { json } from '../../../../test/support/http';

/** Polls a drift result until its job has finished (completed or failed); the queue runs in-process. */
export async function waitForResult(app: TestApp, headers: Record<string, string>, id: string): Promise<any> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const res = await app.app.inject({ method: 'GET', url: `/api/v1/drift/results/${id}`, headers });
    const data = json(res).data;
    if (data && (data.status === 'completed' || data.status === 'failed')) return data;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`drift result ${id} did not finish`);
}

export async function findResource(app: TestApp, headers: Record<string, string>, providerId: string): Promise<any> {
  const res = await app.app.inject({ method: 'GET', url: `/api/v1/resources?limit=1000`, headers });
  const found = json(res).data.resources.find((r: any) => r.resource_id === providerId);
  if (!found) throw new Error(`resource ${providerId} not in the inventory`);
  return found;
}
