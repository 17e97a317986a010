import type { Plugin } from 'graphql-yoga';
import type { CallerIdentifier } from '../auth/callers.js';

/**
 * Refuses a request without a valid API key before anything is parsed or
 * executed: HTTP 401 with one UNAUTHENTICATED error. Scopes are checked
 * later, per field (schema/builder.ts), so a read key gets FORBIDDEN on
 * postAgentMessage alone.
 */
export function useApiKeys(callers: CallerIdentifier): Plugin {
  return {
    onRequest({ request, fetchAPI, endResponse }) {
      // CORS preflights carry no credentials by design; the CORS plugin answers them.
      if (request.method === 'OPTIONS') return;
      const identification = callers.identify(request);
      if (!('refused' in identification)) return;
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({ errors: [{ message: identification.refused, extensions: { code: 'UNAUTHENTICATED' } }] }),
          {
            status: 401,
            headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' },
          },
        ),
      );
    },
  };
}
