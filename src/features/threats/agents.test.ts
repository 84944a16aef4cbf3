import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors';
import { FakeClock } from '../../lib/clock';
import { createLogger } from '../../lib/logger';
import { createAgents, withTimeout } from './agents';
import type { ThreatsAgentsRepository } from './threats-agents.repository';

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

describe('agent timeout as load shedding', () => {
  function agentsWithClock() {
    const clock = new FakeClock(Date.parse('2026-11-30T10:00:00Z'));
    const recorded: { agent: string; ok: number }[] = [];
    const repo = {
      configs: async () => [{ agent: 'detector', threshold: 0.5, timeout_s: 2, retry_attempts: 0 }],
      record: async (_org: string, agent: string, _day: number, _count: number, ok: number) => void recorded.push({ agent, ok }),
    } as unknown as ThreatsAgentsRepository;
    return { agents: createAgents({ repo, clock, logger: createLogger('silent') }), clock, recorded };
  }

  it('refuses detector work that waited in the queue longer than the timeout, and counts it as a failure', async () => {
    const { agents, clock, recorded } = agentsWithClock();
    let release!: () => void;
    const busy = agents.submit('detector', 'org', () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    const late = agents.submit('detector', 'org', async () => 'second');
    const lateOutcome = late.then(() => 'ran', (error: unknown) => error);
    while (!release) await new Promise((resolve) => setImmediate(resolve)); // the first line is being analysed
    clock.advance(2_500); // the second line waits 2.5 s behind the first: over the 2 s timeout
    release();
    await expect(busy).resolves.toBe('first');
    const refused = await lateOutcome;
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('SERVICE_UNAVAILABLE');
    expect((refused as AppError).message).toMatch(/detector agent is overloaded: this work waited 2500 ms, over its 2 s timeout/);
    expect(recorded).toEqual([{ agent: 'detector', ok: 1 }, { agent: 'detector', ok: 0 }]);
  });

  it('runs work that waited less than the timeout', async () => {
    const { agents, clock } = agentsWithClock();
    let release!: () => void;
    const busy = agents.submit('detector', 'org', () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    const next = agents.submit('detector', 'org', async () => 'second');
    while (!release) await new Promise((resolve) => setImmediate(resolve));
    clock.advance(1_500);
    release();
    await expect(busy).resolves.toBe('first');
    await expect(next).resolves.toBe('second');
  });
});
