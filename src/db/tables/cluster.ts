/** Tables of the cluster feature (owned by src/features/cluster). */

export interface ClusterPartitionsTable {
  partition: number;
  owner: string | null;
  token: number;
  lease_until: number;
  cursor: number;
  checkpoint_seq: number;
}

export interface ClusterPartitionSeqTable {
  partition: number;
  next_seq: number;
}

export interface ClusterPartitionLogTable {
  partition: number;
  seq: number;
  organization_id: string;
  /** JSON array of the committed events of this partition in one ingest batch, in order. */
  events: string;
  created_at: number;
}

export interface ClusterMembersTable {
  instance_id: string;
  seen_at: number;
  started_at: number;
}

export interface ClusterTables {
  cluster_partitions: ClusterPartitionsTable;
  cluster_partition_seq: ClusterPartitionSeqTable;
  cluster_partition_log: ClusterPartitionLogTable;
  cluster_members: ClusterMembersTable;
}
