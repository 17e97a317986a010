import type { AvaamoSettings } from '../../config.js';
import { UpstreamError } from '../../http/errors.js';
import { notConfigured } from '../not-configured.js';
import { createRequestLoader } from '../request-loader.js';
import type { AvaamoClient, MessagesRequest, SmsReportRequest, UnhandledMessagesRequest } from './client.js';
import type { PostAgentMessageBody } from './types.js';

export interface AgentMessagesRequest extends MessagesRequest {
  agentId: number;
}

/**
 * Per-request loaders for Avaamo, bound to the credentials of this request.
 * Keys are whole requests (agent, filters, page), so equal pages are asked once.
 */
export function createAvaamoLoaders(client: AvaamoClient | null, settings: AvaamoSettings | null) {
  const ready = () => {
    if (!client || !settings) throw notConfigured('avaamo');
    return { client, settings };
  };
  const agentToken = (agentId: number) => {
    const token = ready().settings.agents.find((agent) => agent.id === agentId)?.accessToken;
    if (!token) {
      throw new UpstreamError(
        'avaamo',
        'UPSTREAM_NOT_CONFIGURED',
        `No agent access token is configured for agent ${agentId} (AVAAMO_AGENTS).`,
      );
    }
    return token;
  };

  return {
    agentDetails: createRequestLoader(async (agentId: number) => {
      const { client, settings } = ready();
      return client.agentDetails(agentId, settings.userToken);
    }),
    unhandledMessagesPage: createRequestLoader(async (request: UnhandledMessagesRequest) => {
      const { client, settings } = ready();
      return client.unhandledMessages(request, settings.userToken);
    }),
    messagesPage: createRequestLoader(async ({ agentId, ...request }: AgentMessagesRequest) =>
      ready().client.messages(request, agentToken(agentId)),
    ),
    smsReportPage: createRequestLoader(async (request: SmsReportRequest) => {
      const { client, settings } = ready();
      return client.smsReport(request, settings.userToken);
    }),
    /** A write: never deduplicated, two posts in one operation are two messages. */
    postMessage: async (body: PostAgentMessageBody) => {
      const { client, settings } = ready();
      return client.postMessage(body, settings.userToken);
    },
  };
}

export type AvaamoLoaders = ReturnType<typeof createAvaamoLoaders>;
