import type { Algorithm, LimitType, Rule } from './algorithms';

/** A pair of limits; endpoint entries may set only one of them. */
export interface LimitPair {
  requests_per_minute: number;
  requests_per_hour: number;
}
export type EndpointLimits = Partial<LimitPair>;

/** One organization's rate-limit configuration (stored in the settings table). */
export interface RateLimitConfig {
  /** Per authenticated subject (API key, else user), across all endpoints. */
  global: LimitPair;
  /** Per client IP for requests without credentials (read from the default organization). */
  anonymous: LimitPair;
  /** Path prefix -> limits, per subject and prefix, on top of the global limit. */
  endpoints: Record<string, EndpointLimits>;
  algorithm: Algorithm;
}

/** Shipped defaults: DriftMgr's 100/min per IP and 1000/min per user, ThreatCopilot's per-endpoint limits. */
export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  global: { requests_per_minute: 1000, requests_per_hour: 30_000 },
  anonymous: { requests_per_minute: 100, requests_per_hour: 3_000 },
  endpoints: {
    '/api/v1/detect': { requests_per_minute: 100, requests_per_hour: 3_000 },
    '/api/v1/threats': { requests_per_minute: 200, requests_per_hour: 6_000 },
    '/api/v1/playbooks': { requests_per_minute: 200, requests_per_hour: 6_000 },
    '/api/v1/analytics': { requests_per_minute: 50, requests_per_hour: 1_500 },
  },
  algorithm: 'sliding_window',
};

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export type SubjectType = 'api_key' | 'user' | 'ip';
export interface Subject {
  type: SubjectType;
  value: string;
}

/** A temporary stricter per-minute limit on one subject (e.g. from a playbook's TIGHTEN_RATE_LIMIT step). */
export interface LimitOverride {
  organizationId: string;
  subjectType: SubjectType;
  subjectValue: string;
  requestsPerMinute: number;
  expiresAt: number;
}

/** Keyed by API key, else user, else client IP. */
export function subjectOf(principal: { userId: string; apiKeyId: string | null } | null, ip: string): Subject {
  if (principal?.apiKeyId) return { type: 'api_key', value: principal.apiKeyId };
  if (principal) return { type: 'user', value: principal.userId };
  return { type: 'ip', value: ip };
}

/** The longest configured prefix that matches the path on a segment boundary. */
export function matchEndpoint(endpoints: Record<string, EndpointLimits>, path: string): string | null {
  let best: string | null = null;
  for (const prefix of Object.keys(endpoints)) {
    const trimmed = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
    const matches = path === trimmed || path.startsWith(trimmed.endsWith('/') ? trimmed : `${trimmed}/`);
    if (matches && (best === null || prefix.length > best.length)) best = prefix;
  }
  return best;
}

const ALGORITHM_TAG: Record<Algorithm, string> = { sliding_window: 'sw', token_bucket: 'tb' };

function counterKey(algorithm: Algorithm, subject: Subject, scope: string, window: 'm' | 'h') {
  return `vigil:rl:${ALGORITHM_TAG[algorithm]}:${subject.type}:${subject.value}:${scope}:${window}`;
}

function pairRules(algorithm: Algorithm, subject: Subject, scope: string, pair: EndpointLimits, endpoint: string | null): Rule[] {
  const rules: Rule[] = [];
  const add = (limit: number | undefined, windowMs: number, limitType: LimitType, window: 'm' | 'h') => {
    if (limit !== undefined) rules.push({ key: counterKey(algorithm, subject, scope, window), limit, windowMs, limitType, endpoint });
  };
  add(pair.requests_per_minute, MINUTE_MS, 'requests_per_minute', 'm');
  add(pair.requests_per_hour, HOUR_MS, 'requests_per_hour', 'h');
  return rules;
}

/**
 * Every counter one request is charged against: the subject's global (or anonymous) minute and hour limits,
 * the matching endpoint's limits, and any active tightened limit on the key, user or IP.
 */
export function rulesFor(input: { config: RateLimitConfig; subject: Subject; path: string; overrides: LimitOverride[] }): Rule[] {
  const { config, subject } = input;
  const endpoint = cachedEndpoint(config, input.path);
  const base = cachedBaseRules(config, subject, endpoint);
  if (input.overrides.length === 0) return base;
  const rules = [...base];
  for (const o of input.overrides) {
    const overridden: Subject = { type: o.subjectType, value: o.subjectValue };
    rules.push({ key: counterKey(config.algorithm, overridden, 'tight', 'm'), limit: o.requestsPerMinute, windowMs: MINUTE_MS, limitType: 'requests_per_minute', endpoint: null });
  }
  return rules;
}

/** Which endpoint prefix a path falls under, per configuration object (paths repeat; ids in them are bounded by the cap). */
const endpointCache = new WeakMap<RateLimitConfig, Map<string, string | null>>();
const ENDPOINT_CACHE_MAX = 10_000;

function cachedEndpoint(config: RateLimitConfig, path: string): string | null {
  let perConfig = endpointCache.get(config);
  if (!perConfig) endpointCache.set(config, (perConfig = new Map()));
  const cached = perConfig.get(path);
  if (cached !== undefined) return cached;
  const endpoint = matchEndpoint(config.endpoints, path);
  if (perConfig.size >= ENDPOINT_CACHE_MAX) perConfig.clear();
  perConfig.set(path, endpoint);
  return endpoint;
}

/** Rules are immutable per configuration object; caching them saves building four key strings per request. */
const ruleCache = new WeakMap<RateLimitConfig, Map<string, Rule[]>>();
const RULE_CACHE_MAX = 50_000;

function cachedBaseRules(config: RateLimitConfig, subject: Subject, endpoint: string | null): Rule[] {
  let perConfig = ruleCache.get(config);
  if (!perConfig) ruleCache.set(config, (perConfig = new Map()));
  const cacheKey = `${subject.type}:${subject.value}|${endpoint ?? ''}`;
  const cached = perConfig.get(cacheKey);
  if (cached) return cached;
  const { algorithm } = config;
  const base = subject.type === 'ip' ? config.anonymous : config.global;
  const rules = pairRules(algorithm, subject, subject.type === 'ip' ? 'anon' : 'global', base, null);
  if (endpoint !== null) rules.push(...pairRules(algorithm, subject, `ep:${endpoint}`, config.endpoints[endpoint]!, endpoint));
  if (perConfig.size >= RULE_CACHE_MAX) perConfig.clear();
  perConfig.set(cacheKey, rules);
  return rules;
}
