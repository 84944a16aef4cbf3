/**
 * Ignore rules in driftctl's `.driftignore` syntax, one pattern per line:
 *   `aws_s3_bucket.my-bucket`            the whole resource (changed, unmanaged or deleted)
 *   `aws_instance.*`, `*`                every resource of a type, everything
 *   `aws_instance.web.tags.Owner`        one attribute and everything below it
 * `*` matches any characters within one segment, `\.` is a literal dot (bucket names), `#` starts a comment,
 * a leading `!` re-includes what an earlier rule ignored. The last matching rule wins (as in .gitignore).
 */
export interface IgnoreRule {
  source: string;
  negate: boolean;
  segments: RegExp[];
}

export interface IgnoreSubject {
  type: string;
  /** Every name the resource goes by: Terraform name (and `name[0]`), live name, provider id. */
  names: string[];
  /** Attribute path for changed fields; undefined for unmanaged/deleted resources. */
  field?: string;
}

export function parseIgnoreRules(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pattern = negate ? line.slice(1).trim() : line;
    if (!pattern) continue;
    rules.push({ source: line, negate, segments: splitSegments(pattern).map(globToRegExp) });
  }
  return rules;
}

/** Checks a pattern line; returns an error message or null. */
export function validateIgnorePattern(line: string): string | null {
  const pattern = line.trim().replace(/^!/, '');
  if (!pattern) return 'empty pattern';
  if (pattern.length > 500) return 'pattern longer than 500 characters';
  if (/\s/.test(pattern)) return 'patterns contain no spaces';
  if (splitSegments(pattern).some((segment) => segment === '')) return 'empty segment (two dots in a row or a trailing dot)';
  return null;
}

function splitSegments(pattern: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && pattern[i + 1] === '.') {
      current += '.';
      i++;
    } else if (ch === '.') {
      segments.push(current);
      current = '';
    } else current += ch;
  }
  segments.push(current);
  return segments;
}

function globToRegExp(segment: string): RegExp {
  const escaped = segment.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function ruleMatches(rule: IgnoreRule, subject: IgnoreSubject): boolean {
  const [typeSegment, nameSegment, ...fieldSegments] = rule.segments;
  if (!typeSegment!.test(subject.type)) return false;
  if (rule.segments.length === 1) return true;
  if (!subject.names.some((name) => nameSegment!.test(name))) return false;
  if (fieldSegments.length === 0) return true;
  if (subject.field === undefined) return false;
  const path = subject.field.split('.');
  if (path.length < fieldSegments.length) return false;
  return fieldSegments.every((pattern, index) => pattern.test(path[index]!));
}

export function isIgnored(rules: IgnoreRule[], subject: IgnoreSubject): boolean {
  let ignored = false;
  for (const rule of rules) if (ruleMatches(rule, subject)) ignored = !rule.negate;
  return ignored;
}
