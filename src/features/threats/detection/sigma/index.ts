export { SigmaRuleError } from './errors';
export { compileSigmaRule, compileRuleObject } from './compile';
export { loadRules, listRuleFiles, type RuleLoadFailure, type RuleLoadResult } from './loader';
export { jsonEventView, recordView } from './event-view';
export { formatsForLogsource, fieldCandidates } from './logsource';
export { compileSigmaCollection, resolveCorrelations, compileCorrelationObject, type CorrelationDraft, type SigmaCollection } from './correlation-rules';
