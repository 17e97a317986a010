import type { UpstreamRequest } from '../../http/client.js';
import { contactsByStatusResponse, type ContactPlatformWire, type ContactStatusWire, type ContactsPage } from './types.js';

/** Vambe's fixed page size; it takes no per_page (CONTRACTS.md §5). */
export const VAMBE_PAGE_SIZE = 50;

/** The header every Vambe call authenticates with. */
export const vambeAuth = (apiKey: string) => ({ 'x-api-key': apiKey });

export interface ContactsRequest {
  status: ContactStatusWire;
  page: number;
  pipelineId?: string;
  platform?: ContactPlatformWire;
}

export function createVambeClient(baseUrl: string) {
  return {
    contactsByStatus: (request: ContactsRequest, apiKey: string): UpstreamRequest<ContactsPage> => ({
      upstream: 'vambe',
      route: 'vambe.contactsByStatus',
      method: 'GET',
      baseUrl,
      path: '/api/public/analytics/contacts/by-status',
      query: {
        // Documented as a string ("1") in the OpenAPI block (§7.14).
        page: String(request.page),
        status: request.status,
        pipelineId: request.pipelineId,
        // [I] the platform filter's name is undocumented here; `channel` is its sibling's (§7.13).
        channel: request.platform,
      },
      headers: vambeAuth(apiKey),
      schema: contactsByStatusResponse,
    }),
  };
}

export type VambeClient = ReturnType<typeof createVambeClient>;
