import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../../../lib/clock';
import { advance, consume, decisive, describe as describeRule, evaluate, hasRoom, type Algorithm, type CounterState, type Evaluation, type Rule, type RuleOutcome, type SlidingState, type TokenState } from './algorithms';

export interface StoreDecision extends Evaluation {
  /** The time the decision was taken at (the store's clock: Redis TIME for the shared store). */
  now: number;
}

/** Where counters live. A decision over several rules is atomic: all are charged or none. */
export interface LimitStore {
  readonly kind: 'memory' | 'redis';
  decide(algorithm: Algorithm, rules: Rule[]): Promise<StoreDecision>;
  /** Synchronous decision, for stores that need no I/O. */
  decideNow?(algorithm: Algorithm, rules: Rule[]): StoreDecision;
  /** Synchronous decision reporting only the outcome the headers show (what the request hook needs). */
  decideDecisive?(algorithm: Algorithm, rules: Rule[]): DecisiveDecision;
  close(): Promise<void>;
}

export interface DecisiveDecision {
  admitted: boolean;
  outcome: RuleOutcome | null;
}

/** What `describe` reports as remaining, without building the outcome (to pick the decisive rule cheaply). */
function remainingOf(algorithm: Algorithm, state: CounterState, rule: Rule, now: number): number {
  if (algorithm === 'sliding_window') {
    const s = state as SlidingState;
    const used = s.prev * (1 - (now - s.window * rule.windowMs) / rule.windowMs) + s.curr;
    return Math.max(0, Math.floor(rule.limit - used + 1e-9));
  }
  return Math.max(0, Math.floor((state as TokenState).tokens + 1e-9));
}

/**
 * Counters in this process. A decision runs synchronously between two awaits, so concurrent requests on one
 * instance can never both take the last unit.
 */
export function createMemoryStore(
  clock: Clock,
  options: { sweepEvery?: number } = {},
): LimitStore & { size(): number; decideNow(algorithm: Algorithm, rules: Rule[]): StoreDecision; decideDecisive(algorithm: Algorithm, rules: Rule[]): DecisiveDecision } {
  const counters = new Map<string, { state: CounterState; expiresAt: number }>();
  const sweepEvery = options.sweepEvery ?? 10_000;
  let decisions = 0;

  function sweep(now: number) {
    for (const [key, entry] of counters) if (entry.expiresAt <= now) counters.delete(key);
  }

  function decideNow(algorithm: Algorithm, rules: Rule[]): StoreDecision {
    const now = clock.now();
    if (++decisions % sweepEvery === 0) sweep(now);
    const n = rules.length;
    const entries: ({ state: CounterState; expiresAt: number } | undefined)[] = new Array(n);
    const states: (CounterState | undefined)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const entry = counters.get(rules[i]!.key);
      entries[i] = entry;
      states[i] = entry && entry.expiresAt > now ? entry.state : undefined;
    }
    const result = evaluate(algorithm, states, rules, now);
    if (result.admitted) {
      // A sliding counter matters for two windows; a bucket is full again after one.
      const lifetimes = algorithm === 'sliding_window' ? 2 : 1;
      for (let i = 0; i < n; i++) {
        const expiresAt = now + lifetimes * rules[i]!.windowMs;
        const entry = entries[i];
        if (entry) {
          entry.state = result.states[i]!;
          entry.expiresAt = expiresAt;
        } else counters.set(rules[i]!.key, { state: result.states[i]!, expiresAt });
      }
    }
    return { ...result, now };
  }

  // Scratch for decideDecisive (a decision is synchronous, so one set serves every request).
  const advanced: CounterState[] = [];
  const found: ({ state: CounterState; expiresAt: number } | undefined)[] = [];

  /**
   * The same decision as `decideNow` (same algorithms, same counts), for the admitted common case without the
   * per-rule outcome objects: only the decisive rule is described. A refusal takes the full path.
   */
  function decideDecisive(algorithm: Algorithm, rules: Rule[]): DecisiveDecision {
    const now = clock.now();
    if (++decisions % sweepEvery === 0) sweep(now); // before the entries are read: a sweep must not drop one we update
    const n = rules.length;
    for (let i = 0; i < n; i++) {
      const entry = counters.get(rules[i]!.key);
      found[i] = entry;
      const state = advance(algorithm, entry && entry.expiresAt > now ? entry.state : undefined, rules[i]!, now);
      if (!hasRoom(algorithm, state, rules[i]!, now)) {
        const full = decideNow(algorithm, rules);
        return { admitted: full.admitted, outcome: decisive(full.outcomes, full.admitted) };
      }
      advanced[i] = state;
    }
    const lifetimes = algorithm === 'sliding_window' ? 2 : 1;
    let best = -1;
    let bestRemaining = Infinity;
    for (let i = 0; i < n; i++) {
      const rule = rules[i]!;
      const state = consume(algorithm, advanced[i]!);
      const expiresAt = now + lifetimes * rule.windowMs;
      const entry = found[i];
      if (entry) {
        entry.state = state;
        entry.expiresAt = expiresAt;
      } else counters.set(rule.key, { state, expiresAt });
      found[i] = undefined;
      advanced[i] = state;
      const remaining = remainingOf(algorithm, state, rule, now);
      if (best < 0 || remaining < bestRemaining || (remaining === bestRemaining && rule.limit < rules[best]!.limit)) {
        best = i;
        bestRemaining = remaining;
      }
    }
    return { admitted: true, outcome: best < 0 ? null : describeRule(algorithm, advanced[best]!, rules[best]!, now, true) };
  }

  return {
    kind: 'memory',
    decideNow,
    decideDecisive,
    decide: async (algorithm, rules) => decideNow(algorithm, rules),
    size: () => counters.size,
    async close() {
      counters.clear();
    },
  };
}

/**
 * One round trip per decision: reads every counter, decides, and charges all of them only when each has room.
 * Time is Redis's own (TIME), so instances with skewed clocks still share one timeline. Mirrors algorithms.ts.
 */
export const DECIDE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sliding = ARGV[1] == 'sw'
local eps = 1e-9
local n = #KEYS
local st = {}
local ok = true
for i = 1, n do
  local limit = tonumber(ARGV[2 * i])
  local win = tonumber(ARGV[2 * i + 1])
  if sliding then
    local idx = math.floor(now / win)
    local h = redis.call('HMGET', KEYS[i], 'w', 'p', 'c')
    local w = tonumber(h[1])
    local p = tonumber(h[2]) or 0
    local c = tonumber(h[3]) or 0
    if w == nil or w < idx - 1 then p = 0; c = 0
    elseif w == idx - 1 then p = c; c = 0 end
    local f = (now - idx * win) / win
    if p * (1 - f) + c + 1 > limit + eps then ok = false end
    st[i] = { idx, p, c }
  else
    local h = redis.call('HMGET', KEYS[i], 't', 'u')
    local tk = tonumber(h[1])
    local u = tonumber(h[2])
    if tk == nil then tk = limit; u = now end
    local el = now - u
    if el < 0 then el = 0 end
    tk = math.min(limit, tk + el * limit / win)
    if u < now then u = now end
    if tk < 1 - eps then ok = false end
    st[i] = { tk, u }
  end
end
local out = { string.format('%.17g', now), ok and '1' or '0' }
for i = 1, n do
  local win = tonumber(ARGV[2 * i + 1])
  local s = st[i]
  if sliding then
    if ok then
      s[3] = s[3] + 1
      redis.call('HSET', KEYS[i], 'w', s[1], 'p', s[2], 'c', s[3])
      redis.call('PEXPIRE', KEYS[i], 2 * win)
    end
    table.insert(out, string.format('%.17g', s[1]))
    table.insert(out, string.format('%.17g', s[2]))
    table.insert(out, string.format('%.17g', s[3]))
  else
    if ok then
      s[1] = s[1] - 1
      redis.call('HSET', KEYS[i], 't', string.format('%.17g', s[1]), 'u', s[2])
      redis.call('PEXPIRE', KEYS[i], win)
    end
    table.insert(out, string.format('%.17g', s[1]))
    table.insert(out, string.format('%.17g', s[2]))
    table.insert(out, '0')
  end
end
return out
`;

const SCRIPT_SHA = createHash('sha1').update(DECIDE_SCRIPT).digest('hex');

export function createRedisStore(redis: Redis): LimitStore {
  async function run(keys: string[], args: (string | number)[]): Promise<string[]> {
    try {
      return (await redis.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args)) as string[];
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await redis.eval(DECIDE_SCRIPT, keys.length, ...keys, ...args)) as string[];
    }
  }

  return {
    kind: 'redis',
    async decide(algorithm, rules) {
      const args: (string | number)[] = [algorithm === 'sliding_window' ? 'sw' : 'tb'];
      for (const rule of rules) args.push(rule.limit, rule.windowMs);
      const reply = await run(rules.map((r) => r.key), args);
      const now = Number(reply[0]);
      const admitted = reply[1] === '1';
      const states: CounterState[] = rules.map((_, i) => {
        const [a, b, c] = [Number(reply[2 + 3 * i]), Number(reply[3 + 3 * i]), Number(reply[4 + 3 * i])];
        return algorithm === 'sliding_window' ? { window: a, prev: b, curr: c } : { tokens: a, updatedAt: b };
      });
      return { admitted, states, now, outcomes: rules.map((rule, i) => describeRule(algorithm, states[i]!, rule, now, admitted)) };
    },
    async close() {
      redis.disconnect();
    },
  };
}
