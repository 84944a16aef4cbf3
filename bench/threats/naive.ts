/**
 * The baseline the engine is compared with: each rule reduced to the regular expressions of its values
 * (wildcards and modifiers turned into regex text), all tested on the raw line. No parser, no field scoping.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const escape = (s: string): string => s.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');

function collect(node: unknown, key: string, out: RegExp[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, key, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) if (k !== 'condition') collect(v, k, out);
  } else if (node !== null && node !== undefined) {
    const text = String(node);
    try {
      out.push(new RegExp(key.includes('|re') ? text : escape(text), 'i'));
    } catch {
      out.push(new RegExp(escape(text), 'i')); // a PCRE-only construct: the naive engine falls back to the literal
    }
  }
}

export function naiveRuleRegexes(files: string[]): RegExp[][] {
  return files.map((file) => {
    const doc = parse(readFileSync(file, 'utf8')) as { detection?: unknown };
    const regexes: RegExp[] = [];
    collect(doc.detection, '', regexes);
    return regexes;
  });
}
