import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../lib/config';
import { demoWorkspace } from './state/sources';

/** The example workspace shipped in the repository; discovered by default so a fresh server shows drift at once. */
export const DEFAULT_WORKSPACE_ROOT = path.resolve(fileURLToPath(new URL('../../../examples/workspace', import.meta.url)));

/** Workspace roots: VIGIL_TERRAFORM_ROOTS (comma- or colon-separated, as the state module reads it) or the example workspace. */
export function workspaceRoots(config: Pick<Config, 'terraformRoots' | 'dataDir'>): string[] {
  const configured = (config.terraformRoots ?? '')
    .split(/[,:]/)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => path.resolve(entry));
  return configured.length ? configured : [demoWorkspace(config.dataDir) ?? DEFAULT_WORKSPACE_ROOT];
}

/** `<root>/inventory/*.json` files of every workspace root, sorted. */
export function inventoryFiles(roots: string[]): string[] {
  const files: string[] = [];
  for (const root of roots) {
    const dir = path.join(root, 'inventory');
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir).sort()) if (entry.endsWith('.json')) files.push(path.join(dir, entry));
  }
  return files;
}

/** The `.driftignore` text of every workspace root, concatenated (missing files are skipped). */
export function readWorkspaceIgnore(roots: string[]): string {
  return roots
    .map((root) => path.join(root, '.driftignore'))
    .filter((file) => fs.existsSync(file))
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');
}
