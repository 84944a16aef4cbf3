import { describe, expect, it } from 'vitest';
import { generateLog } from '../../../../../bench/threats/generate';
import { createThreatPipeline } from '../pipeline';
import { parseLogLine } from '../parsers';
import { recordView } from './event-view';
import { compileSigmaRule } from './compile';
import { LiteralMatcher } from './literals';

describe('literal prefilter', () => {
  it('finds every occurrence of overlapping literals in one pass', () => {
    const matcher = new LiteralMatcher(['he', 'she', 'his', 'hers', 'union select']);
    const found = new Set<number>();
    matcher.scan('ushers and a union select', (id) => found.add(id));
    expect([...found].sort()).toEqual([0, 1, 3, 4]);
  });

  it('derives required literals: AND takes one side, OR the union, NOT and regex give up', () => {
    const rule = (detection: string) => compileSigmaRule(`title: t\nlogsource:\n    category: webserver\ndetection:\n${detection}\n`);
    expect(rule("    a:\n        c-uri|contains: '/admin'\n    b:\n        cs-method: POST\n    condition: a and b").literals).toEqual(['/admin']);
    expect(rule("    a:\n        c-uri|contains: '/admin'\n    b:\n        c-uri|endswith: '.php'\n    condition: a or b").literals).toEqual(['/admin', '.php']);
    expect(rule("    a:\n        c-uri|contains: '/admin'\n    condition: not a").literals).toBeNull();
    expect(rule("    a:\n        c-uri|re: 'x+'\n    b:\n        c-uri: '/y'\n    condition: a or b").literals).toBeNull();
  });

  it('never skips a rule that would have matched (generated mixed log)', () => {
    const pipeline = createThreatPipeline();
    const rules = pipeline.rules();
    const { lines, times } = generateLog(3000, 7);
    let checked = 0;
    lines.forEach((line, i) => {
      const ctx = { organizationId: 'prefilter', timestamp: times[i] };
      const parsed = parseLogLine(line, ctx);
      const view = recordView(parsed.fields, parsed.message);
      const expected = rules.filter((r) => r.formats.includes(parsed.format) && r.matches(view)).map((r) => r.id).sort();
      const reported = pipeline.analyze(line, ctx).detections.flatMap((d) => d.rules).filter((r) => r.kind === 'sigma').map((r) => r.id).sort();
      // Low-level rules may fall under minConfidence unless merged; every reported id must be expected and
      // every expected rule of level medium and above must be reported.
      for (const id of reported) expect(expected).toContain(id);
      for (const id of expected) if (rules.find((r) => r.id === id)!.level !== 'low') expect(reported).toContain(id);
      checked += expected.length;
    });
    expect(checked).toBeGreaterThan(50);
  });
});
