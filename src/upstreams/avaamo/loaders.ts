import { forwardedCredentialHeaders } from '../../auth/forwarded-credentials.js';
import type { AvaamoSettings } from '../settings.js';
import type { HttpClient, UpstreamRequest } from '../../http/client.js';
import { UpstreamError } from '../../http/errors.js';
import { notConfigured } from '../not-configured.js';
import { createRequestLoader } from '../request-loader.js';
import type { AvaamoClient, MessagesRequest, SmsReportRequest, UnhandledMessagesRequest } from './client.js';
import { createAvaamoLists } from './lists.js';
import type { PostAgentMessageBody } from './types.js';

export interface AgentMessagesRequest extends MessagesRequest {
  agentId: number;
}

/** Per-request loaders for Avaamo, bound to the credentials of this request. */
export function createAvaamoLoaders(http: HttpClient, client: AvaamoClient | null, settings: AvaamoSettings | null) {
  const ready = () => {
    if (!client || !settings) throw notConfigured('avaamo');
    return { client, settings };
  };
  /**
   * The user token. Configured ones are never blank; a blank one means the
   * caller forwarded agent tokens without a user token, and Avaamo would only
   * answer 401 to an empty one: say which header is missing instead.
   */
  const userToken = () => {
    const { settings } = ready();
    if (settings.userToken === '') {
      throw new UpstreamError(
        'avaamo',
        'UNAUTHENTICATED',
        `Avaamo: this field needs a user token, and the request forwarded agent tokens (${forwardedCredentialHeaders.avaamoAgentTokens}) without one (${forwardedCredentialHeaders.avaamoUserToken}).`,
      );
    }
    return settings.userToken;
  };
  /** Spells a request made with the user token. */
  const asUser =
    <Request, Response>(describe: (client: AvaamoClient, request: Request, userToken: string) => UpstreamRequest<Response>) =>
    (request: Request) =>
      describe(ready().client, request, userToken());
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

  const pages = {
    unhandledMessagesPage: createRequestLoader(
      http,
      asUser((c, request: UnhandledMessagesRequest, token) => c.unhandledMessages(request, token)),
    ),
    smsReportPage: createRequestLoader(http, asUser((c, request: SmsReportRequest, token) => c.smsReport(request, token))),
    messagesPage: createRequestLoader(http, ({ agentId, ...request }: AgentMessagesRequest) =>
      ready().client.messages(request, agentToken(agentId)),
    ),
  };

  return {
    agentDetails: createRequestLoader(http, asUser((c, agentId: number, token) => c.agentDetails(agentId, token))),
    ...pages,
    /** The date-range lists, read in windows of at most 7 days (lists.ts). */
    lists: createAvaamoLists(pages),
    /**
     * A write: never deduplicated, two posts in one operation are two
     * messages. Once posted, or when it may have been (a timeout after
     * sending), the agent's cached message pages are out of date.
     */
    postMessage: async (body: PostAgentMessageBody) => {
      const { client } = ready();
      const dropCachedPages = () => {
        const pages = client.messages({ page: 1, perPage: 1, deviceInfo: false }, agentToken(body.bot_id));
        http.invalidate(pages.route, pages.headers);
      };
      try {
        const result = await http.request(client.postMessage(body, userToken()));
        if (result.success) dropCachedPages();
        return result;
      } catch (error) {
        if (error instanceof UpstreamError && error.details.outcome === 'unknown') dropCachedPages();
        throw error;
      }
    },
  };
}

export type AvaamoLoaders = ReturnType<typeof createAvaamoLoaders>;
