/**
 * The incident scoring of ../shared/data/loghub/README.md, written for Vigil: incidents are runs of alert lines
 * with at most 5 lines between consecutive ones; an incident is found when a flag points within its span ±3 lines;
 * a flag is a false alarm when no alert line lies within ±3 lines of it.
 */
export interface LabelledLine {
  label: string;
  timestamp: number;
  node: string;
  component: string;
  level: string;
  message: string;
}

/** `LABEL UNIX_TS DATE NODE TIME NODE2 TYPE COMPONENT LEVEL MESSAGE...`; the label is kept apart for scoring only. */
export function parseBglLine(line: string): LabelledLine | null {
  const parts = line.split(' ');
  if (parts.length < 10) return null;
  const [label, ts, , node, , , , component, level] = parts;
  return { label: label!, timestamp: Number(ts) * 1000, node: node!, component: component!, level: level!, message: parts.slice(9).join(' ') };
}

export function incidentsOf(labels: string[]): [number, number][] {
  const incidents: [number, number][] = [];
  labels.forEach((label, i) => {
    if (label === '-') return;
    const last = incidents[incidents.length - 1];
    if (last && i - last[1] <= 6) last[1] = i;
    else incidents.push([i, i]);
  });
  return incidents;
}

export interface IncidentScore {
  flags: number;
  falseAlarms: number;
  found: number;
  incidents: number;
  precision: number;
  recall: number;
  f1: number;
}

export function scoreFlags(labels: string[], flagged: number[]): IncidentScore {
  const incidents = incidentsOf(labels);
  const isAlert = (i: number) => i >= 0 && i < labels.length && labels[i] !== '-';
  const near = (i: number) => {
    for (let d = -3; d <= 3; d++) if (isAlert(i + d)) return true;
    return false;
  };
  const falseAlarms = flagged.filter((i) => !near(i)).length;
  const found = incidents.filter(([l, r]) => flagged.some((i) => i >= l - 3 && i <= r + 3)).length;
  const precision = flagged.length ? (flagged.length - falseAlarms) / flagged.length : 0;
  const recall = incidents.length ? found / incidents.length : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { flags: flagged.length, falseAlarms, found, incidents: incidents.length, precision, recall, f1 };
}
