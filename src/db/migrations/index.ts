import type { Migration } from 'kysely';
import * as core from './0001_core';
import * as gateway from './0002_gateway';
import * as anomalies from './0003_anomalies';
import * as threats from './0004_threats';
import * as drift from './0005_drift';
import * as driftState from './0006_drift_state';
import * as suppressions from './0009_suppressions';

/** Applied in key order on SQLite and PostgreSQL alike. A released migration is never edited: add a new one. */
export const migrations: Record<string, Migration> = {
  '0001_core': core,
  '0002_gateway': gateway,
  '0003_anomalies': anomalies,
  '0004_threats': threats,
  '0005_drift': drift,
  '0006_drift_state': driftState,
  '0009_suppressions': suppressions,
};
