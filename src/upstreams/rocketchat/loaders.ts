import type { RocketChatSettings } from '../settings.js';
import type { HttpClient } from '../../http/client.js';
import { notConfigured } from '../not-configured.js';
import { createRequestLoader } from '../request-loader.js';
import type { ConversationsByAgentRequest, RocketChatClient } from './client.js';

export function createRocketChatLoaders(http: HttpClient, client: RocketChatClient | null, settings: RocketChatSettings | null) {
  return {
    conversationsByAgent: createRequestLoader(http, (request: ConversationsByAgentRequest) => {
      if (!client || !settings) throw notConfigured('rocketchat');
      return client.conversationsByAgent(request, settings);
    }),
  };
}

export type RocketChatLoaders = ReturnType<typeof createRocketChatLoaders>;
