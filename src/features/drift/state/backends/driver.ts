/** What every storage backend offers the state service. The `http` backend is Vigil's own database instead. */
export interface StateObjectInfo {
  /** Path inside the backend: a relative file path, an object key, a pg row name. */
  path: string;
  size: number;
  /** Epoch ms, when the backend knows it. */
  lastModified: number | null;
}

export interface BackendDriver {
  list(): Promise<StateObjectInfo[]>;
  /** null when the state is not there (any more). */
  read(path: string): Promise<string | null>;
  /** Writes the whole state (atomically where the store allows). */
  write(path: string, content: string): Promise<void>;
  /** A real round trip to the store; throws BackendUnavailableError with a reason. */
  test(): Promise<string>;
  close(): Promise<void>;
}

/** The store could not be reached or refused us; the message is safe to show (no secrets, no driver dump). */
export class BackendUnavailableError extends Error {}
