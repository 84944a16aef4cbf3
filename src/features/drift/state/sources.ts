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
 * The example workspace as a fresh server uses it: copied into the data dir on first start, so that state import,
 * move, removal and locks work on it without ever rewriting the shipped files. Null when the repository copy is gone.
 */
export function demoWorkspace(dataDir: string): string | null {
  const target = path.join(dataDir, 'example-workspace');
  if (fs.existsSync(path.join(target, 'states'))) return target;
  if (!fs.existsSync(EXAMPLE_WORKSPACE)) return null;
  fs.cpSync(EXAMPLE_WORKSPACE, target, { recursive: true, force: false, errorOnExist: false });
  return target;
}

const PROVIDER_SOURCES: Record<string, string> = { aws: 'hashicorp/aws', azure: 'hashicorp/azurerm', gcp: 'hashicorp/google' };

/** Whether the Terraform states under a local root manage resources of a cloud provider (aws, azure, gcp). */
export function rootManages(root: string, provider: string): boolean {
  const wanted = PROVIDER_SOURCES[provider];
  if (!wanted) return false;
  const stack = [root];
  let seen = 0;
  while (stack.length > 0 && seen < 1000) {
    const dir = stack.pop()!;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.')) stack.push(full);
      else if (entry.isFile() && entry.name.endsWith('.tfstate')) {
        seen++;
        try {
          const state = JSON.parse(fs.readFileSync(full, 'utf8')) as { resources?: { provider?: string }[] };
          if ((state.resources ?? []).some((r) => typeof r.provider === 'string' && r.provider.includes(`/${wanted}"`))) return true;
        } catch {
          // an unreadable state manages nothing we can tell
        }
      }
    }
  }
  return false;
}

/**
 * The server's configured state sources, visible to the default organization only: terraform roots (or the
 * example workspace, read-only, when none are configured), S3 buckets and terraform's pg backend schema.
 */
export function serverSources(config: Config): DiscoverySource[] {
  const sources: DiscoverySource[] = [];
  const demo = config.terraformRoots ? null : demoWorkspace(config.dataDir);
  const roots = config.terraformRoots ? splitRoots(config.terraformRoots) : demo ? [demo] : [];
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    sources.push({
      provider: 'local',
      name: root === demo ? 'example-workspace' : `local-${path.basename(root)}`,
      config: { type: 'local', path: root, read_only: false },
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
