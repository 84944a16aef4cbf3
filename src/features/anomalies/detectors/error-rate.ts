import { newSeriesState, observe, type PointScore, type SeriesState } from './series';

/**
 * Error-level lines per minute for one log source. Each closed minute is one point of a count series (empty
 * minutes count as zero). The minute still open is checked as lines arrive: its count only grows, so once it
 * is already far above normal that is known without waiting for the minute to end.
 */
export interface ErrorRateState {
  minute: number;
  errors: number;
  /** The open minute was already reported. */
  reported: boolean;
  series: SeriesState;
}

const MINUTE = 60_000;
/** Longest gap filled with zero-count minutes. */
const MAX_GAP = 60;

export const newErrorRateState = (): ErrorRateState => ({ minute: -1, errors: 0, reported: false, series: newSeriesState({ log: true, minSpread: 0.35, shape: false }) });

function closeMinutesBefore(state: ErrorRateState, minute: number) {
  if (state.minute < 0) {
    state.minute = minute;
    return;
  }
  if (minute <= state.minute) return;
  observe(state.series, { value: state.errors, timestamp: state.minute * MINUTE });
  const gap = Math.min(MAX_GAP, minute - state.minute - 1);
  for (let i = 1; i <= gap; i++) observe(state.series, { value: 0, timestamp: (minute - gap - 1 + i) * MINUTE });
  state.minute = minute;
  state.errors = 0;
  state.reported = false;
}

/** Accounts one log line; returns a score when an error line pushes the open minute's count out of range. */
export function observeErrorLine(state: ErrorRateState, timestamp: number, isError: boolean): (PointScore & { count: number }) | null {
  const minute = Math.floor(timestamp / MINUTE);
  closeMinutesBefore(state, minute);
  // Late lines of an already closed minute are counted in the open one rather than rewriting the past.
  if (!isError) return null;
  state.errors += 1;
  if (state.reported) return null;
  const probe: SeriesState = structuredClone(state.series);
  const result = observe(probe, { value: state.errors, timestamp: minute * MINUTE });
  if (!result.isAnomaly || result.deviation <= 0) return null;
  state.reported = true;
  return { ...result, count: state.errors };
}
