/** One observation of a series: scored from the detector's state before it is learned (no look-ahead). */
export interface Observation {
  value: number;
  /** Epoch milliseconds; used for seasonality. */
  timestamp: number;
}

/** What a detector thinks of one observation. */
export interface Verdict {
  /** Signed distance from normal in standard deviations (0 while warming up). */
  deviation: number;
  /** The value the detector expected. */
  expected: number;
  /** Its typical spread around that value. */
  spread: number;
  /** What kind of departure this is, for the explanation ("spike", "level shift"). */
  kind: string;
}

/**
 * A streaming detector over one series. State is a plain JSON-serialisable object so it can be checkpointed
 * and restored; `score` must not change it, `learn` folds the observation in afterwards.
 */
export interface Detector<S> {
  name: string;
  init(): S;
  score(state: S, observation: Observation): Verdict;
  learn(state: S, observation: Observation): void;
  /** Makes the detector accept a value it flagged as normal (false-positive feedback). */
  absorb(state: S, observation: Observation): void;
}
