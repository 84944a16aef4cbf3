/** Loads rule files and folders (recursively, *.yml / *.yaml), collecting per-file failures instead of stopping. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledCorrelation, CompiledRule } from '../types';
import { compileSigmaCollection, resolveCorrelations, type CorrelationDraft } from './correlation-rules';

export interface RuleLoadFailure { file: string; reason: string }
/** `correlations`: Sigma correlation rules found in the files, bound to the loaded base rules. */
export interface RuleLoadResult { rules: CompiledRule[]; correlations: CompiledCorrelation[]; failures: RuleLoadFailure[] }

export function listRuleFiles(path: string): string[] {
  const stat = statSync(path);
  if (stat.isFile()) return [path];
  const files: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) files.push(...listRuleFiles(full));
    else if (/\.ya?ml$/i.test(entry.name)) files.push(full);
  }
  return files;
}

export function loadRules(paths: string[]): RuleLoadResult {
  const rules: CompiledRule[] = [];
  const failures: RuleLoadFailure[] = [];
  const drafts: { file: string; local: CompiledRule[]; correlations: CorrelationDraft[] }[] = [];
  for (const path of paths) {
    let files: string[];
    try {
      files = listRuleFiles(path);
    } catch (error) {
      failures.push({ file: path, reason: (error as Error).message });
      continue;
    }
    for (const file of files) {
      try {
        const collection = compileSigmaCollection(readFileSync(file, 'utf8'));
        rules.push(...collection.rules);
        if (collection.correlations.length > 0) drafts.push({ file, local: collection.rules, correlations: collection.correlations });
      } catch (error) {
        failures.push({ file, reason: (error as Error).message });
      }
    }
  }
  // Correlations may reference base rules of any loaded file, so they are bound once every file is read.
  const correlations: CompiledCorrelation[] = [];
  const allDrafts = drafts.flatMap((d) => d.correlations);
  for (const { file, local, correlations: mine } of drafts) {
    try {
      correlations.push(...resolveCorrelations(mine, local, rules, allDrafts));
    } catch (error) {
      failures.push({ file, reason: (error as Error).message });
    }
  }
  return { rules, correlations, failures };
}
