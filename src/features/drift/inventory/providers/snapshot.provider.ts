import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../../../lib/logger';
import { inventoryDocumentSchema, itemsOf, normalizeInventoryItem } from '../inventory-item';
import type { CollectedResource, InventoryProvider } from '../inventory.types';

export interface WorkspaceInventoryFile {
  source: string;
  hash: string;
  resources: CollectedResource[];
}

/** Reads and validates one inventory JSON file. Throws with the file and the first problem. */
export function readInventoryFile(file: string, label = path.basename(file)): WorkspaceInventoryFile {
  const text = fs.readFileSync(file, 'utf8');
  const parsed = inventoryDocumentSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${label}: ${issue.path.join('.')} ${issue.message}`);
  }
  return {
    source: `workspace:${label}`,
    hash: createHash('sha256').update(text).digest('hex'),
    resources: itemsOf(parsed.data).map((item) => normalizeInventoryItem(item, { accountId: parsed.data.accountId })),
  };
}

/**
 * The `snapshot` provider: the live side is what a collector pushed (`POST /api/v1/inventory`) or what the
 * workspace's `inventory/*.json` files describe (for the default organization). Vigil holds this inventory, so
 * it is writable: a tag update changes the live side directly.
 */
export function createSnapshotProvider(deps: { files: () => string[]; defaultOrganizationId: () => Promise<string>; logger: Logger }): InventoryProvider & {
  readWorkspace(): WorkspaceInventoryFile[];
} {
  function readWorkspace(): WorkspaceInventoryFile[] {
    const out: WorkspaceInventoryFile[] = [];
    for (const file of deps.files()) {
      const label = `${path.basename(path.dirname(path.dirname(file)))}/inventory/${path.basename(file)}`;
      try {
        out.push(readInventoryFile(file, label));
      } catch (error) {
        deps.logger.warn({ err: error, file }, 'drift: skipped an invalid workspace inventory file');
      }
    }
    return out;
  }
  return {
    name: 'snapshot',
    writable: true,
    async enabledFor(organizationId) {
      return organizationId === (await deps.defaultOrganizationId()) && deps.files().length > 0;
    },
    async collect(organizationId) {
      if (!(await this.enabledFor(organizationId))) return [];
      return readWorkspace().map(({ source, resources }) => ({ source, resources }));
    },
    readWorkspace,
  };
}
