import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Clock } from '../../lib/clock';
import { AppError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import type { ThreatsAgentsRepository } from './threats-agents.repository';

export const AGENT_NAMES = ['detector', 'analyzer', 'executor'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export interface AgentConfig {
  /** detector: minimum confidence of a detection to become a threat; analyzer: minimum confidence for a playbook;
   *  executor: success rate a playbook needs for its threat to count as mitigated. */
  threshold: number;
  /** Seconds one unit of work may take (a playbook step for the executor). */
  timeout: number;
  /** Extra attempts after a failure (a failed playbook step is re-run; stored writes are retried). */
  retry_attempts: number;
}

export const DEFAULT_AGENT_CONFIG: Record<AgentName, AgentConfig> = {
  detector: { threshold: 0.5, timeout: 5, retry_attempts: 0 },
  analyzer: { threshold: 0, timeout: 10, retry_attempts: 2 },
  executor: { threshold: 0.5, timeout: 30, retry_attempts: 1 },
};

export const agentConfigBody = z
  .object({
    threshold: z.number().min(0).max(1).optional(),
    timeout: z.number().int().min(1).max(3600).optional(),
    retry_attempts: z.number().int().min(0).max(10).optional(),
  })
  .strict();

/** The analyzer runs one at a time so a burst from one source merges into one threat instead of racing. */
const CONCURRENCY: Record<AgentName, number> = { detector: 1, analyzer: 1, executor: 2 };
const CONFIG_CACHE_MS = 5_000;
const DAY_MS = 86_400_000;

export const isAgentName = (name: string): name is AgentName => (AGENT_NAMES as readonly string[]).includes(name);
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** Runs `work` within `ms`; rejects with a clear message when it does not finish in time. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000}s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Job {
  organizationId: string;
  run: () => Promise<void>;
}

/**
 * The three agents: each one a work queue with bounded concurrency, per-organization configuration and
 * measured statistics (count, time, success) aggregated per UTC day.
 */
export function createAgents(deps: { repo: ThreatsAgentsRepository; clock: Clock; logger: Logger }) {
  const { repo, clock } = deps;
  const configCache = new Map<string, { at: number; configs: Record<AgentName, AgentConfig> }>();
  const queues = Object.fromEntries(AGENT_NAMES.map((name) => [name, { waiting: [] as Job[], running: 0 }])) as Record<
    AgentName,
    { waiting: Job[]; running: number; }
  >;
  const runningByOrg = new Map<string, number>();
  const idleWaiters: (() => void)[] = [];
  let accepting = true;

  async function configsOf(organizationId: string): Promise<Record<AgentName, AgentConfig>> {
    const cached = configCache.get(organizationId);
    if (cached && clock.now() - cached.at < CONFIG_CACHE_MS) return cached.configs;
    const configs = structuredClone(DEFAULT_AGENT_CONFIG);
    for (const row of await repo.configs(organizationId)) {
      if (isAgentName(row.agent)) configs[row.agent] = { threshold: Number(row.threshold), timeout: Number(row.timeout_s), retry_attempts: Number(row.retry_attempts) };
    }
    configCache.set(organizationId, { at: clock.now(), configs });
    return configs;
  }

  async function record(organizationId: string, agent: AgentName, ms: number, ok: boolean, count = 1) {
    try {
      await repo.record(organizationId, agent, dayOf(clock.now()), count, ok ? count : 0, ms);
    } catch (error) {
      deps.logger.warn({ err: error, agent }, 'threats: could not record agent statistics');
    }
  }

  const key = (agent: AgentName, organizationId: string) => `${agent}:${organizationId}`;

  function pump(agent: AgentName) {
    const queue = queues[agent];
    while (queue.running < CONCURRENCY[agent] && queue.waiting.length > 0) {
      const job = queue.waiting.shift()!;
      queue.running++;
      runningByOrg.set(key(agent, job.organizationId), (runningByOrg.get(key(agent, job.organizationId)) ?? 0) + 1);
      void job.run().finally(() => {
        queue.running--;
        runningByOrg.set(key(agent, job.organizationId), (runningByOrg.get(key(agent, job.organizationId)) ?? 1) - 1);
        pump(agent);
        if (isIdle()) for (const resolve of idleWaiters.splice(0)) resolve();
      });
    }
  }

  function isIdle() {
    return AGENT_NAMES.every((name) => queues[name].running === 0 && queues[name].waiting.length === 0);
  }

  /** Queues work for an agent; resolves with its result once it ran. Time and outcome are recorded. */
  function submit<T>(agent: AgentName, organizationId: string, work: () => Promise<T>, options: { count?: number } = {}): Promise<T> {
    if (!accepting) return Promise.reject(new AppError({ code: 'SERVICE_UNAVAILABLE', message: 'The threat agents are shutting down' }));
    const enqueuedAt = clock.now();
    return new Promise<T>((resolve, reject) => {
      queues[agent].waiting.push({
        organizationId,
        run: async () => {
          const started = performance.now();
          try {
            // Load shedding: detector and analyzer work that waited in the queue longer than the agent's timeout
            // is refused instead of run late (the executor's timeout bounds each playbook step instead).
            if (agent !== 'executor') {
              const waitedMs = clock.now() - enqueuedAt;
              const { timeout } = (await configsOf(organizationId))[agent];
              if (waitedMs > timeout * 1000) {
                throw new AppError({
                  code: 'SERVICE_UNAVAILABLE',
                  message: `The ${agent} agent is overloaded: this work waited ${Math.round(waitedMs)} ms, over its ${timeout} s timeout`,
                  headers: { 'retry-after': String(Math.max(1, Math.ceil(timeout))) },
                });
              }
            }
            const result = await work();
            await record(organizationId, agent, performance.now() - started, true, options.count ?? 1);
            resolve(result);
          } catch (error) {
            await record(organizationId, agent, performance.now() - started, false, options.count ?? 1);
            reject(error);
          }
        },
      });
      pump(agent);
    });
  }

  return {
    configsOf,
    submit,
    async configure(organizationId: string, agent: string, patch: Partial<AgentConfig>) {
      if (!isAgentName(agent)) throw new AppError({ code: 'AGENT_NOT_FOUND', message: `Agent '${agent}' not found (agents: ${AGENT_NAMES.join(', ')})` });
      const current = (await configsOf(organizationId))[agent];
      const next: AgentConfig = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
      await repo.saveConfig({
        organization_id: organizationId,
        agent,
        threshold: next.threshold,
        timeout_s: next.timeout,
        retry_attempts: next.retry_attempts,
        updated_at: clock.now(),
      });
      configCache.delete(organizationId);
      return { name: agent, config: next };
    },
    async status(organizationId: string) {
      const configs = await configsOf(organizationId);
      const stats = new Map((await repo.statsOfDay(organizationId, dayOf(clock.now()))).map((row) => [row.agent, row]));
      return AGENT_NAMES.map((name) => {
        const row = stats.get(name);
        const processed = Number(row?.processed ?? 0);
        const running = runningByOrg.get(key(name, organizationId)) ?? 0;
        const waiting = queues[name].waiting.filter((job) => job.organizationId === organizationId).length;
        return {
          name,
          status: !accepting ? 'stopped' : running + waiting > 0 ? 'busy' : 'active',
          processed_today: processed,
          avg_processing_time_ms: processed > 0 ? round(Number(row!.total_ms) / processed, 3) : 0,
          success_rate: processed > 0 ? round(Number(row!.succeeded) / processed, 4) : null,
          queue_depth: waiting + running,
          config: configs[name],
        };
      });
    },
    /** Resolves once every queued job has run (shutdown, and tests that wait for the executor). */
    async drain() {
      if (isIdle()) return;
      await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      accepting = false;
      await this.drain();
    },
    record,
  };
}

export type Agents = ReturnType<typeof createAgents>;

export const round = (value: number, digits: number) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};
