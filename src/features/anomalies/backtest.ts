import { newSeriesState, observe } from './detectors/series';

export interface BacktestRow {
  timestamp: string;
  value: number;
  anomalyScore: number;
  isAnomaly: boolean;
}

/** NAB timestamps have no zone; they are read as UTC. */
export function parseTimestamp(text: string): number {
  const iso = text.includes('T') ? text : text.replace(' ', 'T');
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

export interface ParsedCsv {
  rows: { timestamp: string; value: number; at: number }[];
  errors: string[];
}

/** Reads a `timestamp,value` CSV with a header; a row that cannot be read is reported with its line number. */
export function parseNabCsv(text: string): ParsedCsv {
  const rows: ParsedCsv['rows'] = [];
  const errors: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (index === 0 || line.trim() === '') return;
    const [timestamp = '', valueText = ''] = line.split(',');
    const value = Number(valueText);
    const at = parseTimestamp(timestamp.trim());
    if (valueText.trim() === '' || !Number.isFinite(value) || Number.isNaN(at)) {
      errors.push(`line ${index + 1}: expected timestamp,value`);
      return;
    }
    rows.push({ timestamp: timestamp.trim(), value, at });
  });
  return { rows, errors };
}

/** Streams the rows through the same series detector the server uses, in order, each scored before it is learned. */
export function backtestRows(rows: ParsedCsv['rows']): BacktestRow[] {
  const state = newSeriesState();
  return rows.map((row) => {
    const result = observe(state, { value: row.value, timestamp: row.at });
    return { timestamp: row.timestamp, value: row.value, anomalyScore: result.score, isAnomaly: result.isAnomaly };
  });
}

export function toCsv(rows: BacktestRow[]): string {
  const lines = ['timestamp,value,anomaly_score,is_anomaly'];
  for (const row of rows) lines.push(`${row.timestamp},${row.value},${row.anomalyScore},${row.isAnomaly ? 1 : 0}`);
  return `${lines.join('\n')}\n`;
}
