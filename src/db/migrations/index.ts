import type { Migration } from 'kysely';
import * as core from './0001_core';
import * as gateway from './0002_gateway';
import * as anomalies from './0003_anomalies';
import * as threats from './0004_threats';
import * as drift from './0005_drift';
import * as driftState from './0006_drift_state';
import * as consoleTables from './0008_console';
import * as cluster from './0010_cluster';
import * as organizationsAudit from './0007_organizations_audit';
import * as suppressions from './0009_suppressions';

/** Applied in key order on SQLite and PostgreSQL alike. A released migration is never edited: add a new one. */
export const migrations: Record<string, Migration> = {
  '0001_core': core,
  '0002_gateway': gateway,
  '0003_anomalies': anomalies,
  '0004_threats': threats,
  '0005_drift': drift,
  '0006_drift_state': driftState,
  '0008_console': consoleTables,
  '0010_cluster': cluster,
  '0007_organizations_audit': organizationsAudit,
  '0009_suppressions': suppressions,
};
