import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config/index.js';
import { createHttpClient, type UpstreamRequest } from '../../src/http/client.js';
import { UpstreamError } from '../../src/http/errors.js';

const CHUNK = 64 * 1024;

/**
 * An upstream at the network boundary whose answer is `{"ok": true}` after
 * `padding` bytes of whitespace (endless when Infinity), streamed in 64 KiB
 * chunks; it records how many chunks the client pulled and whether it
 * cancelled the body (which, in fetch, closes the connection).
 */
function paddedUpstream(padding: number, { status = 200, announce = false } = {}) {
  const seen = { calls: 0, pulled: 0, cancelled: false };
  const tail = new TextEncoder().encode('{"ok": true}');
  const fetch = async () => {
    seen.calls += 1;
    let left = padding;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        seen.pulled += 1;
        if (left <= 0) {
          controller.enqueue(tail);
          controller.close();
          return;
        }
        const size = Math.min(CHUNK, left);
        left -= size;
        controller.enqueue(new Uint8Array(size).fill(0x20));
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (announce) headers['content-length'] = String(padding + tail.length);
    return new Response(body, { status, headers });
  };
  return { seen, fetch: fetch as unknown as typeof globalThis.fetch };
}

const request: UpstreamRequest<{ ok: boolean }> = {
  upstream: 'rocketchat',
  route: 'rocketchat.conversationsByAgent',
  method: 'GET',
  baseUrl: 'http://rocketchat.test',
  path: '/api/v1/livechat/analytics/dashboards/conversations-by-agent',
  headers: { 'x-auth-token': 't' },
  schema: z.object({ ok: z.boolean() }),
};

function client(upstream: ReturnType<typeof paddedUpstream>, env: Record<string, string> = {}) {
  const config = loadConfig({ ROCKETCHAT_MAX_RESPONSE_BYTES: String(1024 * 1024), ...env });
  return createHttpClient({ ...config.resilience, fetch: upstream.fetch });
}
const failure = (pending: Promise<unknown>) => pending.then(() => null, (error: unknown) => error as UpstreamError);

describe('the bound on one upstream answer', () => {
  it('refuses an answer whose Content-Length is over the bound without reading it', async () => {
    const upstream = paddedUpstream(200 * 1024 * 1024, { announce: true });
    const error = await failure(client(upstream).request(request));
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'rocketchat', details: { status: 200 } });
    expect(error!.message).toBe("Rocket.Chat answered more than 1 MiB, the gateway's limit for one answer (UPSTREAM_MAX_RESPONSE_BYTES)");
    // A stream fills its first slot by itself; nothing beyond that was asked for.
    expect(upstream.seen.pulled).toBeLessThanOrEqual(1);
    expect(upstream.seen.cancelled).toBe(true);
  });

  it('stops reading a streamed answer once it passes the bound, and cancels the rest', async () => {
    const upstream = paddedUpstream(Number.POSITIVE_INFINITY);
    const error = await failure(client(upstream).request(request));
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringContaining('more than 1 MiB') });
    // 1 MiB is 16 chunks: the 17th passes the bound; the stream may have queued one more.
    expect(upstream.seen.pulled).toBeGreaterThanOrEqual(17);
    expect(upstream.seen.pulled).toBeLessThanOrEqual(18);
    expect(upstream.seen.cancelled).toBe(true);
  });

  it('reads an answer just within the bound', async () => {
    const upstream = paddedUpstream(1024 * 1024 - '{"ok": true}'.length, { announce: true });
    await expect(client(upstream).request(request)).resolves.toEqual({ ok: true });
  });

  it('takes the bound of the upstream, falling back to UPSTREAM_MAX_RESPONSE_BYTES', async () => {
    const upstream = paddedUpstream(2 * 1024 * 1024);
    const config = loadConfig({ UPSTREAM_MAX_RESPONSE_BYTES: String(4 * 1024 * 1024), VAMBE_MAX_RESPONSE_BYTES: String(1024 * 1024) });
    const http = createHttpClient({ ...config.resilience, fetch: upstream.fetch });
    await expect(http.request(request)).resolves.toEqual({ ok: true });
    expect(await failure(http.request({ ...request, upstream: 'vambe' }))).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'vambe' });
  });

  it('is not retried and does not open the breaker: the upstream is well, its answer too big', async () => {
    const upstream = paddedUpstream(Number.POSITIVE_INFINITY);
    const http = client(upstream, { UPSTREAM_RETRY_ATTEMPTS: '3', BREAKER_MIN_REQUESTS: '3' });
    for (let i = 0; i < 5; i++) expect(await failure(http.request(request))).toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(upstream.seen.calls).toBe(5);
  });

  it("still reports a failing status when the failure's body is over the bound", async () => {
    const upstream = paddedUpstream(Number.POSITIVE_INFINITY, { status: 503 });
    const error = await failure(client(upstream, { UPSTREAM_RETRY_ATTEMPTS: '1' }).request(request));
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', message: 'Rocket.Chat answered 503 (upstream failure)', details: { status: 503 } });
    expect(upstream.seen.cancelled).toBe(true);
  });
});
