import { describe, expect, it } from 'vitest';
import { detect, type AnyState, type IngestEvent, type StateAccess } from '../detection';
import { maskMessage } from './log-masks';
import { BURST_GAP_MS, MAX_TEMPLATES, QUIET_MS, newTemplateState, observeLogLine } from './log-templates';

const start = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;

describe('log masks', () => {
  it('masks paths (relative too), errno texts, addresses and hex so variants share one template', () => {
    expect(maskMessage('Error loading ./runtime_malloc: No such file or directory')).toBe(maskMessage('Error loading /home/a/b.ex: Permission denied'));
    expect(maskMessage('read failed: Input/output error at 10.0.0.1:80')).toBe('read failed: <errno> at <ip>');
    expect(maskMessage('lr:00004ed0 at 0x1438f9e0')).toBe('lr:<hex> at <hex>');
  });
});

describe('log templates (Drain-style)', () => {
  it('merges lines that differ in one token into a template with a wildcard', () => {
    const state = newTemplateState();
    observeLogLine(state, 'program interrupt: illegal instruction', 'info', start);
    const second = observeLogLine(state, 'program interrupt: privileged instruction', 'info', start + 1);
    expect(second.kind).toBe('known');
    expect(second.template).toBe('program interrupt: <*> instruction');
  });

  it('reports a first fatal pattern even during warm-up, and a burst of new severe patterns once', () => {
    const state = newTemplateState();
    const crash = ['machine check enable 0', 'special purpose registers:', 'rts internal error', 'core configuration register: 0x2000'];
    const verdicts = crash.map((line, i) => observeLogLine(state, line, 'fatal', start + i * 30_000));
    expect(verdicts.map((v) => v.score >= 0.7)).toEqual([true, false, false, false]);
    expect(verdicts[3]!.foldedInto).toBe(3);
    // After the burst has been quiet for longer than the gap, a new severe pattern is news again.
    expect(observeLogLine(state, 'disk full on node', 'fatal', start + 2 * MIN + BURST_GAP_MS).score).toBeGreaterThanOrEqual(0.7);
    // A plain error is only news after the warm-up (services log errors while they start).
    expect(observeLogLine(state, 'db timeout after 30s', 'error', start + 3 * MIN + 2 * BURST_GAP_MS).score).toBe(0);
  });

  it('reports a severe template that comes back after a long quiet spell, not one that comes as often as usual', () => {
    const state = newTemplateState();
    for (let i = 0; i < 5; i++) observeLogLine(state, `ciod: failed to read socket ${i}`, 'fatal', start + i * 4000);
    const back = observeLogLine(state, 'ciod: failed to read socket 9', 'fatal', start + 12 * QUIET_MS);
    expect(back.kind).toBe('returned');
    expect(back.score).toBeGreaterThanOrEqual(0.7);
    const regular = newTemplateState();
    let flagged = 0;
    for (let i = 0; i < 20; i++) if (observeLogLine(regular, 'nightly job failed', 'error', start + i * 24 * QUIET_MS).score >= 0.7) flagged++;
    expect(flagged).toBeLessThanOrEqual(2);
  });

  it('keeps its state bounded however many templates a source produces', () => {
    const state = newTemplateState();
    for (let i = 0; i < 5000; i++) observeLogLine(state, `word${i.toString(36).replace(/\d/g, 'x')} ${'pad '.repeat(i % 7)} end`, 'info', start + i);
    expect(state.clusters!.length).toBeLessThanOrEqual(MAX_TEMPLATES);
    expect(JSON.stringify(state).length).toBeLessThan(16_384);
  });

  it('upgrades a version-1 checkpoint in place', () => {
    const old = { n: 10, known: [1, 2, 3] } as ReturnType<typeof newTemplateState>;
    observeLogLine(old, 'hello', 'info', start);
    expect(old.known).toBeUndefined();
    expect(old.clusters).toHaveLength(1);
  });
});

describe('log detections', () => {
  const states = new Map<string, AnyState>();
  const access: StateAccess = { get: (key, create) => (states.get(key) ?? states.set(key, create()).get(key)) as never };
  const log = (i: number, level: string, message: string, at: number): IngestEvent => ({ id: `e${i}`, type: 'log', source: 'api', timestamp: at, level, message });

  it('explains a new pattern and a return in words, and names the error-rate detector for what it is', () => {
    const first = detect([log(0, 'fatal', 'kernel panic on cpu 3', start)], access);
    expect(first).toHaveLength(1);
    expect(first[0]!.explanation).toMatch(/^new FATAL message pattern from api: "kernel panic on cpu <n>"/);
    const back = detect([log(1, 'fatal', 'kernel panic on cpu 1', start + 3 * 86_400_000)], access);
    expect(back[0]!.detector).toBe('log_template_return');
    expect(back[0]!.explanation).toMatch(/is back after 3 days of quiet; seen once before/);
    for (let m = 0; m < 120; m++) detect([log(2, m % 10 === 0 ? 'error' : 'info', 'request served', start + 4 * 86_400_000 + m * MIN)], access);
    const burst = Array.from({ length: 40 }, (_, i) => log(3 + i, 'error', 'request served', start + 4 * 86_400_000 + 120 * MIN + i * 100));
    const rate = detect(burst, access).filter((d) => d.kind === 'log_error_rate');
    expect(rate).toHaveLength(1);
    expect(rate[0]!.detector).toBe('error_rate');
    expect(rate[0]!.explanation).toMatch(/^error rate: \d+ error lines this minute from api, usually about/);
  });
});
