import type { UpstreamRequest } from '../http/client.js';
import { credentialFingerprint } from '../http/request-key.js';
import type { ContactsRequest, VambeClient } from '../upstreams/vambe/client.js';
import type { VambeSettings } from '../upstreams/settings.js';
import type { ContactsPage } from '../upstreams/vambe/types.js';
import { createHash } from 'node:crypto';

export type QueueFilters = Omit<ContactsRequest, 'page'>;

/**
 * The subscribers who share one poll: one Vambe credential (its hash, never
 * the key) on one base URL, one status, pipeline and platform, whatever
 * else each asks (its `first`, its SLA).
 */
export interface Cohort {
  id: string;
  /** The upstream request for one page of this cohort's queue. */
  page(page: number): UpstreamRequest<ContactsPage>;
}

export function createCohort(client: VambeClient, settings: VambeSettings, filters: QueueFilters): Cohort {
  const page = (number: number) => client.contactsByStatus({ ...filters, page: number }, settings.apiKey);
  const identity = [settings.baseUrl, credentialFingerprint(page(1).headers), filters.status, filters.pipelineId ?? null, filters.platform ?? null];
  return { id: createHash('sha256').update(JSON.stringify(identity)).digest('base64url').slice(0, 22), page };
}
