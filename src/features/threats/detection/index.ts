/**
 * Vigil's threat detection engine: log parsers, a Sigma rule engine, web-attack grammars and time-window
 * correlation behind one synchronous pipeline. The threat API (routes, storage, playbooks) codes against this.
 */
export type { Severity, LogContext, ParsedLog, Detection, CompiledRule, EventView, LogFormat, Thresholds, RuleKind, CompiledCorrelation, CorrelationType, ExtraRules } from './types';
export { createThreatPipeline, DEFAULT_RULES_DIR, type ThreatPipeline } from './pipeline';
export { compileSigmaRule, compileSigmaCollection, resolveCorrelations, SigmaRuleError, loadRules, jsonEventView, recordView, type RuleLoadFailure, type CorrelationDraft, type SigmaCollection } from './sigma';
export { parseLogLine } from './parsers';
export { analyzeRequest, analyzeValue, analyzeRawValue, type WebAttackFinding, type WebAttackClass } from './webattack';
