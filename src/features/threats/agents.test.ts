import { describe, expect, it } from 'vitest';
import { withTimeout } from './agents';

describe('withTimeout (bounds each playbook step by the executor timeout)', () => {
  it('passes a result through in time', async () => {
    await expect(withTimeout(Promise.resolve('ok'), 1000, 'step')).resolves.toBe('ok');
  });
  it('rejects a step that never finishes with a message naming it', async () => {
    await expect(withTimeout(new Promise(() => undefined), 1, 'QUARANTINE_IP')).rejects.toThrow('QUARANTINE_IP timed out after 0.001s');
  });
  it('passes the step\'s own failure through', async () => {
    await expect(withTimeout(Promise.reject(new Error('boom')), 1000, 'step')).rejects.toThrow('boom');
  });
});
