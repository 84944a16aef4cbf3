import { describe, expect, it } from 'vitest';
import { backtestRows, parseNabCsv, toCsv } from './backtest';

describe('backtest', () => {
  it('scores one row per input row, in order, and flags the outlier', () => {
    const lines = ['timestamp,value'];
    for (let i = 0; i < 40; i++) lines.push(`2014-04-01 00:${String(i).padStart(2, '0')}:00,${10 + (i % 3)}`);
    lines.push('2014-04-01 00:40:00,95');
    const { rows, errors } = parseNabCsv(`${lines.join('\n')}\n`);
    expect(errors).toEqual([]);
    const out = toCsv(backtestRows(rows)).trim().split('\n');
    expect(out[0]).toBe('timestamp,value,anomaly_score,is_anomaly');
    expect(out).toHaveLength(42);
    expect(out[1]).toBe('2014-04-01 00:00:00,10,0,0');
    expect(out[41]).toMatch(/^2014-04-01 00:40:00,95,(0\.9\d*|1),1$/);
    expect(out.slice(1, 41).every((line) => line.endsWith(',0'))).toBe(true);
  });

  it('reports unreadable rows with their line numbers', () => {
    expect(parseNabCsv('timestamp,value\n2014-01-01 00:00:00,abc\nnot a date,3\n').errors).toEqual(['line 2: expected timestamp,value', 'line 3: expected timestamp,value']);
  });
});
