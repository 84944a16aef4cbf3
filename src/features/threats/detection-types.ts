/** The detection engine's types as the threat API uses them (the engine lives in ./detection). */
import type { Severity } from './detection/index';

export type { Severity, LogContext, ParsedLog, Detection, CompiledRule, ThreatPipeline } from './detection/index';

export const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];
export const SEVERITY_WEIGHT: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };
