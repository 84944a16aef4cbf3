/** First retry waits up to 15 s; each later one doubles the ceiling, capped at 6 h (12 attempts span ~4 h on average). */
export const BACKOFF_BASE_MS = 15_000;
export const BACKOFF_CAP_MS = 6 * 3_600_000;

/**
 * Exponential backoff with full jitter: a uniform delay in [1 s, min(cap, base * 2^(attempt-1))], so a receiver
 * that comes back is not hit by every sender at the same instant. `attempt` is the number of attempts made.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.max(1_000, Math.floor(random() * ceiling));
}
