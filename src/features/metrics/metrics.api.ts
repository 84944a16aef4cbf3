/** What other features report to the metrics feature. */
export interface MetricsApi {
  /** A batch was committed through `intake`: one entry per event type; durationMs covers detection and commit. */
  observeIngest(intake: string, types: string[], durationMs: number): void;
  /** A batch was refused with 503 because too many were waiting. */
  ingestOverloaded(): void;
  /** Syslog frames by transport (udp, tcp, tls) and outcome (accepted, dropped_overload, dropped_malformed, dropped_oversize). */
  syslogFrames(transport: string, outcome: string, n?: number): void;
}
