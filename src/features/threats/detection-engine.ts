import { compileSigmaRule, createThreatPipeline, SigmaRuleError } from './detection/index';

/** The detection engine's entry points, passed to the services (so they can be wired without it, e.g. in a build that lacks it). */
export interface DetectionEngine {
  createThreatPipeline: typeof createThreatPipeline;
  compileSigmaRule: typeof compileSigmaRule;
  SigmaRuleError: typeof SigmaRuleError;
}

export function loadDetectionEngine(): DetectionEngine {
  return { createThreatPipeline, compileSigmaRule, SigmaRuleError };
}
