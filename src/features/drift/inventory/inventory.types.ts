/** A resource as an inventory provider reports it, before it is stored (no Vigil id yet). */
export interface CollectedResource {
  type: string;
  resourceId: string;
  name: string;
  region: string;
  accountId: string | null;
  status: string;
  tags: Record<string, string>;
  attributes: Record<string, unknown>;
  usage: Record<string, number>;
}

/** The organization's live side comes from providers behind this interface. */
export interface InventoryProvider {
  /** 'snapshot' (pushed JSON and workspace files) or 'aws' (SDK calls). */
  readonly name: string;
  /** Whether Vigil may change the live side through this provider (PUT /resources/{id}/tags). */
  readonly writable: boolean;
  /** Whether the provider has anything to collect for the organization (credentials set, files present...). */
  enabledFor(organizationId: string): Promise<boolean>;
  /** Collects the current inventory, grouped by source label; each source replaces what it reported before. */
  collect(organizationId: string): Promise<{ source: string; resources: CollectedResource[] }[]>;
}
