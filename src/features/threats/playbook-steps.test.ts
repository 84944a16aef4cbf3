import { describe, expect, it } from 'vitest';
import { PermanentStepError, attemptStep } from './playbook-steps';

describe('attemptStep', () => {
  it('re-runs a failing step up to retry_attempts times and reports the success of the last attempt', async () => {
    let calls = 0;
    const outcome = await attemptStep(async () => {
      calls++;
      if (calls < 3) throw new Error(`receiver down (${calls})`);
      return 'delivered';
    }, 2, 1_000, 'ALERT_ADMIN');
    expect(outcome).toEqual({ result: 'delivered', error: null, attempts: 3 });
  });

  it('gives up after 1 + retries attempts with the last error', async () => {
    let calls = 0;
    const outcome = await attemptStep(async () => {
      calls++;
      throw new Error(`receiver down (${calls})`);
    }, 1, 1_000, 'ALERT_ADMIN');
    expect(outcome).toEqual({ result: null, error: 'receiver down (2)', attempts: 2 });
  });

  it('does not retry a reason a retry cannot change', async () => {
    let calls = 0;
    const outcome = await attemptStep(async () => {
      calls++;
      throw new PermanentStepError('No IP address to quarantine');
    }, 5, 1_000, 'QUARANTINE_IP');
    expect(outcome).toEqual({ result: null, error: 'No IP address to quarantine', attempts: 1 });
    expect(calls).toBe(1);
  });

  it('bounds each attempt by the timeout', async () => {
    const outcome = await attemptStep(() => new Promise<string>(() => undefined), 1, 20, 'FORENSIC_DUMP');
    expect(outcome).toMatchObject({ result: null, attempts: 2 });
    expect(outcome.error).toMatch(/FORENSIC_DUMP timed out/);
  });
});
