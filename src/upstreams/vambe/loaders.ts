import type { VambeSettings } from '../settings.js';
import type { HttpClient } from '../../http/client.js';
import { notConfigured } from '../not-configured.js';
import { createRequestLoader } from '../request-loader.js';
import type { ContactsRequest, VambeClient } from './client.js';

export function createVambeLoaders(http: HttpClient, client: VambeClient | null, settings: VambeSettings | null) {
  return {
    contactsPage: createRequestLoader(http, (request: ContactsRequest) => {
      if (!client || !settings) throw notConfigured('vambe');
      return client.contactsByStatus(request, settings.apiKey);
    }),
  };
}

export type VambeLoaders = ReturnType<typeof createVambeLoaders>;
