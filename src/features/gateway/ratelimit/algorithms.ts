/**
 * The two rate-limit algorithms as pure state transitions, shared by the in-memory store and mirrored by the
 * Redis Lua script (which returns the same states so that `describe` computes headers identically).
 *
 * - sliding_window: the two-bucket weighted approximation (a fixed-window counter plus the previous window's
 *   count weighted by how much of it still overlaps the rolling window). Constant memory per key; exact within
 *   a window, so N concurrent requests against a limit of N admit exactly N.
 * - token_bucket: capacity = the limit, refilled continuously at limit / window.
 */
export type Algorithm = 'sliding_window' | 'token_bucket';
export type LimitType = 'requests_per_minute' | 'requests_per_hour';

export interface Rule {
  /** Storage key of this counter (subject + rule + window). */
  key: string;
  limit: number;
  windowMs: number;
  limitType: LimitType;
  /** Configured endpoint prefix this rule comes from; null for the global / anonymous / tightened limits. */
  endpoint: string | null;
}

export interface SlidingState {
  window: number;
  prev: number;
  curr: number;
}
export interface TokenState {
  tokens: number;
  updatedAt: number;
}
export type CounterState = SlidingState | TokenState;

export interface RuleOutcome {
  rule: Rule;
  allowed: boolean;
  remaining: number;
  /** Epoch ms when the counter rolls over (sliding) or the bucket is full again (token). */
  resetAtMs: number;
  /** 0 when a request would be admitted now. */
  retryAfterMs: number;
  /** Requests counted against the limit, including this one when it was refused. */
  current: number;
}

export function advance(algorithm: Algorithm, state: CounterState | undefined, rule: Rule, now: number): CounterState {
  if (algorithm === 'sliding_window') {
    const index = Math.floor(now / rule.windowMs);
    const s = state as SlidingState | undefined;
    if (!s || s.window < index - 1) return { window: index, prev: 0, curr: 0 };
    if (s.window === index - 1) return { window: index, prev: s.curr, curr: 0 };
    return s;
  }
  const t = state as TokenState | undefined;
  if (!t) return { tokens: rule.limit, updatedAt: now };
  const elapsed = Math.max(0, now - t.updatedAt);
  return { tokens: Math.min(rule.limit, t.tokens + (elapsed * rule.limit) / rule.windowMs), updatedAt: Math.max(now, t.updatedAt) };
}

const EPSILON = 1e-9;

function slidingEstimate(s: SlidingState, windowMs: number, now: number): number {
  const elapsedFraction = (now - s.window * windowMs) / windowMs;
  return s.prev * (1 - elapsedFraction) + s.curr;
}

/** State must already be advanced to `now`. */
export function hasRoom(algorithm: Algorithm, state: CounterState, rule: Rule, now: number): boolean {
  // The epsilon absorbs float error at exact boundaries (the Lua script uses the same one).
  if (algorithm === 'sliding_window') return slidingEstimate(state as SlidingState, rule.windowMs, now) + 1 <= rule.limit + EPSILON;
  return (state as TokenState).tokens >= 1 - EPSILON;
}

export function consume(algorithm: Algorithm, state: CounterState): CounterState {
  if (algorithm === 'sliding_window') {
    const s = state as SlidingState;
    return { window: s.window, prev: s.prev, curr: s.curr + 1 };
  }
  const t = state as TokenState;
  return { tokens: t.tokens - 1, updatedAt: t.updatedAt };
}

/** Headers and retry time for one rule, from its state after the decision. */
export function describe(algorithm: Algorithm, state: CounterState, rule: Rule, now: number, allowed: boolean): RuleOutcome {
  const { limit, windowMs } = rule;
  if (algorithm === 'sliding_window') {
    const s = state as SlidingState;
    const used = slidingEstimate(s, windowMs, now);
    const windowEnd = (s.window + 1) * windowMs;
    const retryAfterMs = hasRoom(algorithm, s, rule, now) ? 0 : slidingRetryAfter(s, rule, now);
    return {
      rule,
      allowed,
      remaining: Math.max(0, Math.floor(limit - used + 1e-9)),
      resetAtMs: retryAfterMs > 0 ? now + retryAfterMs : windowEnd,
      retryAfterMs,
      current: allowed ? Math.ceil(used - 1e-9) : Math.ceil(used - 1e-9) + 1,
    };
  }
  const t = state as TokenState;
  const perMs = limit / windowMs;
  const retryAfterMs = t.tokens >= 1 - EPSILON ? 0 : Math.ceil((1 - t.tokens) / perMs - 1e-6);
  const used = limit - t.tokens;
  return {
    rule,
    allowed,
    remaining: Math.max(0, Math.floor(t.tokens + 1e-9)),
    resetAtMs: now + Math.ceil((limit - t.tokens) / perMs),
    retryAfterMs,
    current: allowed ? Math.ceil(used - 1e-9) : Math.ceil(used - 1e-9) + 1,
  };
}

/** Time until the weighted estimate leaves room for one more request. */
function slidingRetryAfter(s: SlidingState, rule: Rule, now: number): number {
  const { limit, windowMs } = rule;
  const windowStart = s.window * windowMs;
  if (s.curr <= limit - 1 && s.prev > 0) {
    // The previous window's weight decays within this window until prev * (1 - f) <= limit - 1 - curr.
    const needed = 1 - (limit - 1 - s.curr) / s.prev;
    return Math.max(1, Math.ceil(windowStart + needed * windowMs - now - 1e-6));
  }
  // This window alone is full: in the next one, curr becomes prev and must decay to limit - 1.
  const neededNext = s.curr > 0 ? Math.max(0, 1 - (limit - 1) / s.curr) : 0;
  return Math.max(1, Math.ceil(windowStart + windowMs - now + neededNext * windowMs - 1e-6));
}

export interface Evaluation {
  admitted: boolean;
  states: CounterState[];
  outcomes: RuleOutcome[];
}

/** All rules must have room; a refused request consumes nothing. */
export function evaluate(algorithm: Algorithm, states: (CounterState | undefined)[], rules: Rule[], now: number): Evaluation {
  const n = rules.length;
  const after: CounterState[] = new Array(n);
  let admitted = true;
  for (let i = 0; i < n; i++) {
    after[i] = advance(algorithm, states[i], rules[i]!, now);
    if (admitted && !hasRoom(algorithm, after[i]!, rules[i]!, now)) admitted = false;
  }
  if (admitted) for (let i = 0; i < n; i++) after[i] = consume(algorithm, after[i]!);
  const outcomes: RuleOutcome[] = new Array(n);
  for (let i = 0; i < n; i++) outcomes[i] = describe(algorithm, after[i]!, rules[i]!, now, admitted);
  return { admitted, states: after, outcomes };
}

/** The outcome the headers report: the rule that forces the longest wait when refused, else the fewest remaining. */
export function decisive(outcomes: RuleOutcome[], admitted: boolean): RuleOutcome | null {
  let best: RuleOutcome | null = null;
  for (const o of outcomes) {
    if (!best) best = o;
    else if (!admitted) {
      if (o.retryAfterMs > best.retryAfterMs) best = o;
    } else if (o.remaining < best.remaining || (o.remaining === best.remaining && o.rule.limit < best.rule.limit)) best = o;
  }
  return best;
}
