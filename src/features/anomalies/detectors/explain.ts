import type { PointScore } from './series';
import { TUNING } from './series';

/** "1.5e+6", "41.5", "0": numbers a person reads at a glance. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(2);
  return String(Math.round(value * 10) / 10);
}

const DAY = 86_400_000;
/** "12 days", "6 h", "25 min", "40 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'ever';
  if (ms >= 2 * DAY) return `${formatNumber(Math.round(ms / DAY))} days`;
  if (ms >= 2 * 3_600_000) return `${formatNumber(Math.round(ms / 3_600_000))} h`;
  if (ms >= 2 * 60_000) return `${formatNumber(Math.round(ms / 60_000))} min`;
  return `${formatNumber(Math.round(ms / 1000))} s`;
}

/** "the 95–110 range of the last 6 h" (or "its usual level of 100" when no range is known yet). */
function rangeText(result: PointScore): string {
  if (!result.usual) return `its usual level of ${formatNumber(result.expected)}`;
  const { low, high, spanMs } = result.usual;
  const span = spanMs > 0 ? ` of the last ${formatDuration(spanMs)}` : '';
  return `the ${formatNumber(low)}–${formatNumber(high)} range${span}`;
}

/**
 * The sentence an anomaly carries, written for a person paged at 3 a.m.:
 * "cpu 412 is far above the 95–110 range of the last 6 h on server-01 (7.3 std)";
 * "cpu on server-01: learning, 3 of 30 points seen (value 41.5)".
 */
export function explain(metric: string, source: string, value: number, result: PointScore): string {
  if (result.kind === 'not a finite number') return `${metric} on ${source}: the value is not a finite number; not scored or learned`;
  const learning = result.learning ? `learning: ${result.learning.seen} of ${result.learning.needed} points seen` : '';
  if (learning && (!result.isAnomaly || !result.usual)) return `${metric} on ${source}: ${learning} (value ${formatNumber(value)})`;
  const above = result.deviation >= 0;
  const direction = above ? 'above' : 'below';
  const size = `${formatNumber(Math.abs(result.deviation))} std`;
  const range = rangeText(result);
  let text: string;
  if (result.kind === 'level shift') text = `${metric} has shifted ${direction} its usual level on ${source}: ${formatNumber(value)} against ${range} (${size})`;
  else if (result.kind === 'sustained shift') text = `${metric} has stayed ${direction} its usual level on ${source} for a while: ${formatNumber(value)} against ${range} (${size} of its usual drift)`;
  else if (result.kind === 'unusual shape') text = `${metric} on ${source} moves in a way not seen before: its last points match none of the patterns learned (value ${formatNumber(value)}, ${range})`;
  else if (result.kind === 'warming up') text = `${metric} ${formatNumber(value)} on ${source} (${range})`;
  else text = `${metric} ${formatNumber(value)} is ${Math.abs(result.deviation) >= 6 ? 'far ' : ''}${direction} ${range} on ${source} (${size})`;
  return `${text}${recurringNote(result)}${learning ? `; still ${learning}` : ''}`;
}

/** "; a recurring spike (5 similar ones in the last 7 days), score halved" when the score was damped for it. */
export function recurringNote(result: PointScore): string {
  if (!result.recurring) return '';
  const damp = TUNING.recurDamp === 0.5 ? 'halved' : `× ${formatNumber(TUNING.recurDamp)}`;
  return `; a recurring spike (${result.recurring} similar ones in the last ${formatNumber(TUNING.recurDays)} days), score ${damp}`;
}
