/**
 * Scenario 6, in its own process: 100,000 distinct keys pushed through the
 * cross-request cache with the gateway's byte bound, each value a real Avaamo
 * messages page (parsed JSON, as the cache holds it). Prints one JSON line.
 * Driven in-process rather than over HTTP: 100,000 distinct upstream calls
 * at 20 ms would take minutes; what is measured is the cache's memory bound.
 */
import { createUpstreamCache, DEFAULT_ROUTE_POLICIES } from '../src/http/cache.js';
import { peakRssOf } from './process-stats.js';

const [sandboxUrl, agentToken, keysArg, maxBytesArg, enabledArg] = process.argv.slice(2);
const keys = Number(keysArg);
const maxBytes = Number(maxBytesArg);
const response = await fetch(`${sandboxUrl}/v1/messages.json?page=1&per_page=10`, { headers: { 'access-token': agentToken! } });
const sample = await response.text();

const cache = createUpstreamCache({
  enabled: enabledArg === 'on',
  maxBytes,
  policies: DEFAULT_ROUTE_POLICIES,
  maxStaleSeconds: 300,
});
const idleRss = process.memoryUsage().rss;
const started = performance.now();
for (let index = 0; index < keys; index++) {
  await cache.get(
    { route: 'avaamo.agentDetails', credential: 'bench', request: `GET /v1/messages.json?page=${index}` },
    // A fresh parse per key: distinct objects, as distinct upstream answers would be.
    async () => ({ value: JSON.parse(sample) as unknown, bytes: sample.length }),
  );
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ keys, seconds, keysPerSecond: keys / seconds, sampleBytes: sample.length, idleRss, peakRss: await peakRssOf('self') }));
