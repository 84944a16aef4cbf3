import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering the codebase promises (docs/development.md): features are wired by the composition root and never
 * import it, and a feature reaches another only through its public surface, never through its repository.
 */
const root = path.resolve(__dirname, '../src');
const featuresDir = path.join(root, 'features');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!).filter((spec) => spec.startsWith('.'));
}

const featureOf = (file: string) => path.relative(featuresDir, file).split(path.sep)[0]!;
const files = sourceFiles(featuresDir);

describe('architecture', () => {
  it('finds the feature sources', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('no feature imports the composition root (src/app)', () => {
    const violations = files.flatMap((file) =>
      importsOf(file)
        .map((spec) => path.resolve(path.dirname(file), spec))
        .filter((target) => target.startsWith(path.join(root, 'app') + path.sep))
        .map((target) => `${path.relative(root, file)} -> ${path.relative(root, target)}`),
    );
    expect(violations).toEqual([]);
  });

  it("no feature imports another feature's repository", () => {
    const violations = files.flatMap((file) =>
      importsOf(file)
        .map((spec) => path.resolve(path.dirname(file), spec))
        .filter((target) => target.startsWith(featuresDir + path.sep) && featureOf(target + '.ts') !== featureOf(file) && /repository$/.test(target))
        .map((target) => `${path.relative(root, file)} -> ${path.relative(root, target)}`),
    );
    expect(violations).toEqual([]);
  });
});
