import type { Plugin } from 'graphql-yoga';

/**
 * Refuses a request body that is not UTF-8. Yoga would decode it with U+FFFD
 * replacements, so a phone filter with stray bytes would reach the upstream as
 * a different, silently altered value. At most `maxBytes` are checked: a
 * larger body is handed on whole, for Yoga's own size limit (HTTP 413).
 */
export function useUtf8Body(maxBytes: number): Plugin {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    async onRequest({ request, setRequest, fetchAPI, endResponse }) {
      if (request.method !== 'POST' || !request.body) return;
      const reader = request.body.getReader();
      const head = await readUpTo(reader, maxBytes);
      // The bytes read are put back in front of the rest, so the body Yoga reads is the one sent.
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
      setRequest(new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, body, duplex: 'half' } as RequestInit));
      if (!head.complete) return;
      try {
        decoder.decode(Buffer.concat(head.chunks));
      } catch {
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({ errors: [{ message: 'The request body is not valid UTF-8.', extensions: { code: 'BAD_USER_INPUT' } }] }),
            { status: 400, headers: { 'content-type': 'application/json; charset=utf-8' } },
          ),
        );
      }
    },
  };
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
