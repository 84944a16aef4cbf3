/** What the threat engine offers other features. */

export interface IngestedLogLine {
  source: string;
  message: string;
  level?: string | null;
  timestamp: string;
  metadata?: Record<string, unknown> | null;
  eventId?: string;
}

export interface ThreatsApi {
  /** Log events already committed by the anomaly engine's ingest, for threat detection. Never throws. */
  analyzeLogLines(organizationId: string, lines: IngestedLogLine[]): Promise<void>;
}
