import type { UpstreamRequest } from '../../http/client.js';
import { conversationsByAgentResponse, type ConversationsByAgentWire } from './types.js';

export interface RocketChatCredentials {
  userId: string;
  authToken: string;
}

/** The headers every Rocket.Chat call authenticates with. */
export const rocketchatAuth = (credentials: RocketChatCredentials) => ({ 'X-User-Id': credentials.userId, 'X-Auth-Token': credentials.authToken });

export interface ConversationsByAgentRequest {
  start: Date;
  end: Date;
}

export function createRocketChatClient(baseUrl: string) {
  return {
    /**
     * Sends only start and end: the route rejects any other parameter
     * (`additionalProperties: false`, so never a departmentId, §7.20), and the
     * gateway orders rows itself so one upstream answer serves every order.
     */
    conversationsByAgent: (
      request: ConversationsByAgentRequest,
      credentials: RocketChatCredentials,
    ): UpstreamRequest<ConversationsByAgentWire> => ({
        upstream: 'rocketchat',
        route: 'rocketchat.conversationsByAgent',
        method: 'GET',
        baseUrl,
        path: '/api/v1/livechat/analytics/dashboards/conversations-by-agent',
        query: { start: request.start.toISOString(), end: request.end.toISOString() },
        headers: rocketchatAuth(credentials),
        schema: conversationsByAgentResponse,
    }),
  };
}

export type RocketChatClient = ReturnType<typeof createRocketChatClient>;
