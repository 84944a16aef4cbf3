import { z } from 'zod';

/** Kinds of data with a retention window, their defaults (days) and the bounds an admin may set. */
export const RETENTION_DEFAULTS = {
  events_days: 30,
  usage_days: 90,
  log_lines_days: 30,
  resolved_anomalies_days: 90,
  resolved_threats_days: 180,
  drift_results_days: 90,
  deliveries_days: 30,
  audit_days: 365,
} as const;

export type RetentionKind = keyof typeof RETENTION_DEFAULTS;
export type RetentionSettings = Record<RetentionKind, number>;
export const RETENTION_KINDS = Object.keys(RETENTION_DEFAULTS) as RetentionKind[];

const days = (min: number) => z.number().int().min(min).max(3650);
/** The audit trail keeps at least 30 days so an intruder with admin rights cannot erase it at once. */
export const retentionPatch = z
  .object({
    events_days: days(1),
    usage_days: days(1),
    log_lines_days: days(1),
    resolved_anomalies_days: days(1),
    resolved_threats_days: days(1),
    drift_results_days: days(1),
    deliveries_days: days(1),
    audit_days: days(30),
  })
  .partial()
  .strict();

export function effectiveRetention(stored: Partial<RetentionSettings> | null): RetentionSettings {
  return { ...RETENTION_DEFAULTS, ...(stored ?? {}) };
}

export const DAY_MS = 86_400_000;
