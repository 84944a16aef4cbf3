import { principalOf } from '../../server/auth';
import { withMessage } from '../../server/envelope';
import type { App } from '../../server/types';
import { z } from 'zod';
import {
  complianceReport, costReport, inventoryPushReport, listResourcesQuery, resourceDetail, resourceIdParams, resourceList, resourceSearch,
  resourceSummary, searchResourcesQuery, updateTagsBody,
} from './drift.schemas';
import { inventoryDocumentSchema } from './inventory/inventory-item';
import type { InventoryService } from './inventory.service';

/** Live inventory routes: push, list, search, details, tags, cost and compliance. */
export function resourcesRoutes(deps: { inventory: InventoryService; ingestBodyLimitBytes: number }) {
  const { inventory } = deps;
  const tags = ['drift-resources'];
  return (app: App) => {
    app.post(
      '/api/v1/inventory',
      { bodyLimit: deps.ingestBodyLimitBytes, schema: { tags, summary: 'Push live inventory items (AWS-Config-like JSON); upsert by type + resourceId', body: inventoryDocumentSchema, response: { 200: inventoryPushReport } } },
      async (request) => withMessage(await inventory.push(principalOf(request), request.body), 'Inventory stored'),
    );
    app.post(
      '/api/v1/inventory/collect',
      { config: { access: 'admin' }, schema: { tags, summary: 'Collect the live inventory from the configured providers (aws) now', response: { 200: z.object({ collected: z.array(z.object({ provider: z.string() })) }) } } },
      async (request) => ({ collected: await inventory.collect(principalOf(request).organizationId) }),
    );
    app.get(
      '/api/v1/resources',
      { schema: { tags, summary: 'List live resources (filters: provider, type, region, tags=Key:Value,...)', querystring: listResourcesQuery, response: { 200: resourceList } } },
      async (request) => inventory.list(principalOf(request), request.query),
    );
    app.get(
      '/api/v1/resources/search',
      { schema: { tags, summary: 'Search resources: exact name > prefix > token matches over name, type, id, tags', querystring: searchResourcesQuery, response: { 200: resourceSearch } } },
      async (request) => inventory.search(principalOf(request), request.query),
    );
    app.get(
      '/api/v1/resources/:id',
      { schema: { tags, summary: 'One resource with attributes, tags, monthly cost and compliance', params: resourceIdParams, response: { 200: resourceDetail } } },
      async (request) => inventory.get(principalOf(request), request.params.id),
    );
    app.put(
      '/api/v1/resources/:id/tags',
      { schema: { tags, summary: 'Replace the tags of a resource on the live side (snapshot provider)', params: resourceIdParams, body: updateTagsBody, response: { 200: resourceSummary } } },
      async (request) => withMessage(await inventory.updateTags(principalOf(request), request.params.id, request.body.tags), 'Tags updated'),
    );
    app.get(
      '/api/v1/resources/:id/cost',
      { schema: { tags, summary: 'Estimated monthly cost from the shipped price table, with breakdown and trend', params: resourceIdParams, response: { 200: costReport } } },
      async (request) => inventory.cost(principalOf(request), request.params.id),
    );
    app.get(
      '/api/v1/resources/:id/compliance',
      { schema: { tags, summary: 'Compliance checks (encryption, backups, exposure, monitoring, tags) with score', params: resourceIdParams, response: { 200: complianceReport } } },
      async (request) => inventory.compliance(principalOf(request), request.params.id),
    );
  };
}
