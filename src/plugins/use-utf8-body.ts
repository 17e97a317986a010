import { isUtf8 } from 'node:buffer';
import type { Plugin } from 'graphql-yoga';

/**
 * Refuses a request whose parameters are not UTF-8: a raw body, or the
 * percent-encoded bytes of a GET's query string or a form-encoded body. Yoga
 * would decode them with U+FFFD replacements, so a phone filter with stray
 * bytes would reach the upstream as a different, silently altered value. At
 * most `maxBytes` of a body are checked: a larger one is handed on whole, for
 * Yoga's own size limit (HTTP 413). A body the server already read whole
 * (gateway-handler.ts) is checked as it is; only one sent chunked or declared
 * larger is read here, and put back in front of the rest for Yoga.
 */
export function useUtf8Body(maxBytes: number): Plugin {
  return {
    onRequest({ request, setRequest, serverContext, fetchAPI, endResponse }) {
      const refuse = () =>
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({ errors: [{ message: 'The request is not valid UTF-8.', extensions: { code: 'BAD_USER_INPUT' } }] }),
            { status: 400, headers: { 'content-type': 'application/json; charset=utf-8' } },
          ),
        );
      const form = request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded') ?? false;
      const valid = (bytes: Buffer) => isUtf8(bytes) && (!form || percentEncodedIsUtf8(bytes.toString('utf8')));
      if (request.url.includes('?') && !percentEncodedIsUtf8(new URL(request.url).search.slice(1))) return refuse();
      if (request.method !== 'POST') return;
      const read = (serverContext as { req?: { body?: unknown } }).req?.body;
      if (Buffer.isBuffer(read)) return valid(read) ? undefined : refuse();
      if (!request.body) return;
      return restream(request.body, maxBytes, fetchAPI).then(({ body, head }) => {
        // The signal too: it is how the operation's deadline learns that the caller left.
        const init = { method: request.method, headers: request.headers, body, signal: request.signal, duplex: 'half' };
        setRequest(new fetchAPI.Request(request.url, init as RequestInit));
        if (head && !valid(head)) refuse();
      });
    },
  };
}

/**
 * Reads up to `maxBytes` of a body and hands back a stream of the whole body,
 * the bytes read put back in front of the rest, so the body Yoga reads is the
 * one sent; `head` is the whole body when it was no longer than that.
 */
async function restream(stream: ReadableStream<Uint8Array>, maxBytes: number, fetchAPI: { ReadableStream: typeof ReadableStream }) {
  const reader = stream.getReader();
  const head = await readUpTo(reader, maxBytes);
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head.chunks) controller.enqueue(chunk);
      if (head.complete) controller.close();
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { body, head: head.complete ? Buffer.concat(head.chunks) : null };
}

/** Whether every `%XX` sequence of a query string or form body decodes as UTF-8. */
function percentEncodedIsUtf8(encoded: string): boolean {
  try {
    // A lone `%` (as in "50%") is no escape: Yoga's parser keeps it as it is, and so does this check.
    for (const part of encoded.split(/[&=]/)) decodeURIComponent(part.replaceAll('+', ' ').replace(/%(?![0-9a-fA-F]{2})/g, '%25'));
    return true;
  } catch {
    return false;
  }
}

/** Chunks up to the end of the body, or until more than `maxBytes` were read. */
async function readUpTo(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number) {
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size <= maxBytes) {
    const { done, value } = await reader.read();
    if (done) return { chunks, complete: true };
    chunks.push(value);
    size += value.byteLength;
  }
  return { chunks, complete: false };
}
