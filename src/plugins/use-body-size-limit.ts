import { createGraphQLError, type Plugin } from 'graphql-yoga';

const tooLarge = () =>
  createGraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' } });

/** Only a single non-negative integer is a Content-Length (a comma-joined list is a request-smuggling attempt). */
const CONTENT_LENGTH = /^\d+$/;

/**
 * Yoga's own body-size limit (its `maxRequestBodySize`, which the gateway
 * turns off in favour of this one), with its answers: 413 for a declared
 * length over the limit, 400 for a Content-Length that is not one number,
 * and a body sent chunked cut off with 413 once more than the limit has
 * arrived. The difference: a body the server already read whole
 * (gateway-handler.ts reads only those declared within the limit) is not
 * piped through a counting stream again before it is parsed. Listed after
 * every plugin that picks a request parser, as Yoga lists its own.
 */
export function useBodySizeLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, serverContext, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!CONTENT_LENGTH.test(declared)) {
          throw createGraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });
        }
        if (Number(declared) > maxBytes) throw tooLarge();
      }
      if (Buffer.isBuffer((serverContext as { req?: { body?: unknown } }).req?.body)) return;
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((unread) => parse(counted(unread, maxBytes, fetchAPI)));
    },
  };
}

/** The request with a body that errors with 413 once more than `maxBytes` of it have been read. */
function counted(request: Request, maxBytes: number, fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream }): Request {
  // A native stream (not whatwg-node's) needs the native TransformStream (graphql-yoga#4583).
  const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let read = 0;
  const body = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > maxBytes) return controller.error(tooLarge());
        controller.enqueue(chunk);
      },
    }),
  );
  const init = { method: request.method, headers: request.headers, signal: request.signal, body, duplex: 'half' };
  return new fetchAPI.Request(request.url, init as RequestInit);
}
