import { describe, expect, it } from 'vitest';
import { newErrorRateState, observeErrorLine } from './error-rate';
import { TEMPLATE_WARMUP, newTemplateState, observeLogLine, templateOf } from './log-templates';

const start = Date.parse('2026-01-01T00:00:00Z');

describe('log templates', () => {
  it('masks the variable parts of a message', () => {
    expect(templateOf('user 42 logged in from 10.0.0.1:5512 in 3.5ms')).toBe(templateOf('user 7 logged in from 192.168.1.9 in 12ms'));
    expect(templateOf('GET /api/v1/users/9 "Mozilla"')).toBe('GET <path> <str>');
  });

  it('reports a new error template after the warm-up, never a known one', () => {
    const state = newTemplateState();
    for (let i = 0; i < TEMPLATE_WARMUP + 5; i++) expect(observeLogLine(state, `request ${i} served in ${i}ms`, 'info').score).toBe(0);
    expect(observeLogLine(state, 'disk /dev/sda1 full', 'error').score).toBeGreaterThanOrEqual(0.8);
    expect(observeLogLine(state, 'disk /dev/sdb2 full', 'error').score).toBe(0);
  });
});

describe('error rate', () => {
  it('flags a burst of errors within the minute it happens, once', () => {
    const state = newErrorRateState();
    for (let m = 0; m < 120; m++) observeErrorLine(state, start + m * 60_000, m % 10 === 0);
    const burst = start + 120 * 60_000;
    const results = [];
    for (let i = 0; i < 40; i++) results.push(observeErrorLine(state, burst + i * 100, true));
    const flagged = results.filter(Boolean);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.count).toBeLessThan(40);
  });

  it('does not flag an ordinary error rate', () => {
    const state = newErrorRateState();
    let flagged = 0;
    for (let m = 0; m < 300; m++) for (let k = 0; k < 3; k++) if (observeErrorLine(state, start + m * 60_000 + k * 1000, k < 1 + (m % 3))) flagged++;
    expect(flagged).toBe(0);
  });
});
