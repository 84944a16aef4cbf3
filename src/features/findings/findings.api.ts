import type { FindingsPage, FindingsQuery } from './findings.schemas';

/** What other features (the console) receive from the findings feature. */
export interface FindingsApi {
  list(organizationId: string, query: FindingsQuery): Promise<FindingsPage>;
}
