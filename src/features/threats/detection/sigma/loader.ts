/** Loads rule files and folders (recursively, *.yml / *.yaml), collecting per-file failures instead of stopping. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledRule } from '../types';
import { compileSigmaRule } from './compile';

export interface RuleLoadFailure { file: string; reason: string }
export interface RuleLoadResult { rules: CompiledRule[]; failures: RuleLoadFailure[] }

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
        rules.push(compileSigmaRule(readFileSync(file, 'utf8')));
      } catch (error) {
        failures.push({ file, reason: (error as Error).message });
      }
    }
  }
  return { rules, failures };
}
