import type { CoreTables } from './tables/core';
import type { GatewayTables } from './tables/gateway';
import type { AnomaliesTables } from './tables/anomalies';
import type { ThreatsTables } from './tables/threats';
import type { DriftTables } from './tables/drift';
import type { DriftStateTables } from './tables/drift-state';
import type { ConsoleTables } from './tables/console';
import type { ClusterTables } from './tables/cluster';
import type { OrganizationsTables } from './tables/organizations';

import type { SuppressionsTables } from './tables/suppressions';

export interface Database extends CoreTables, GatewayTables, AnomaliesTables, ThreatsTables, DriftTables, DriftStateTables, ConsoleTables, ClusterTables, OrganizationsTables, SuppressionsTables {}
