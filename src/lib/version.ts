import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
export const VERSION: string = pkg.version;

export function gitCommit(): string | null {
  if (process.env.VIGIL_GIT_COMMIT) return process.env.VIGIL_GIT_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 1000 }).toString().trim() || null;
  } catch {
    return null;
  }
}
