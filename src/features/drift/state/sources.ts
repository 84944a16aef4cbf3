import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../../lib/config';
import type { BackendConfig } from './backends/config';

/** The repository's example workspace, discovered when VIGIL_TERRAFORM_ROOTS is not set. */
export const EXAMPLE_WORKSPACE = path.join(fileURLToPath(new URL('../../../../', import.meta.url)), 'examples', 'workspace');

export interface DiscoverySource {
  /** Which `providers` filter value selects it. */
  provider: 'local' | 'pg' | 'aws';
  name: string;
  config: BackendConfig;
  region?: string;
}

/** Comma- or colon-separated directories (Windows drive letters are not a concern on the servers Vigil runs on). */
export function splitRoots(value: string): string[] {
  return value
    .split(/[,:]/)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => path.resolve(entry));
}

/**
 * The server's configured state sources, visible to the default organization only: terraform roots (or the
 * example workspace, read-only, when none are configured), S3 buckets and terraform's pg backend schema.
 */
export function serverSources(config: Config): DiscoverySource[] {
  const sources: DiscoverySource[] = [];
  const roots = config.terraformRoots ? splitRoots(config.terraformRoots) : fs.existsSync(EXAMPLE_WORKSPACE) ? [EXAMPLE_WORKSPACE] : [];
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    sources.push({
      provider: 'local',
      name: root === EXAMPLE_WORKSPACE ? 'example-workspace' : `local-${path.basename(root)}`,
      config: { type: 'local', path: root, read_only: !config.terraformRoots },
    });
  }
  const region = config.terraformS3Region ?? 'us-east-1';
  for (const entry of (config.terraformS3Buckets ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const [bucket, ...rest] = entry.split('/');
    sources.push({
      provider: 'aws',
      name: `s3-${bucket}`,
      region,
      config: { type: 's3', bucket: bucket!, prefix: rest.join('/') || undefined, region, endpoint: config.terraformS3Endpoint, read_only: false },
    });
  }
  if (config.terraformPgUrl) {
    sources.push({
      provider: 'pg',
      name: 'terraform-pg',
      config: { type: 'pg', conn_str: config.terraformPgUrl, schema_name: config.terraformPgSchema ?? 'terraform_remote_state', read_only: false },
    });
  }
  return sources;
}
