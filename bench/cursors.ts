/**
 * CPU of cursors on one 100-edge page: a pinned Avaamo page with every cursor
 * read, the same page with none selected, a contacts page with every cursor
 * read (its traversal recorded), and decoding one `after` cursor. Pure
 * computation, no network. Run: npx tsx bench/cursors.ts
 */
import { createCursorCodec, createCursorKeys } from '../src/schema/cursor-codec.js';
import { resolveLiveConnection } from '../src/schema/live-pagination.js';
import { resolvePagedConnection } from '../src/schema/pagination.js';
import { createMemoryTraversalStore } from '../src/schema/traversal-store.js';

const codec = createCursorCodec(createCursorKeys('bench cursor secret, at least 32 characters'));
const traversals = createMemoryTraversalStore();
const items = Array.from({ length: 100 }, (_, index) => ({ id: `contact-${index}` }));
const page = { items, total: 100, snapshot: 1763758748.123456 };
let sink = 0;

async function measure(name: string, run: () => Promise<void>) {
  for (let i = 0; i < 2_000; i++) await run();
  const rounds = 10_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await run();
  const micros = Number(process.hrtime.bigint() - started) / 1000 / rounds;
  console.log(`${name.padEnd(52)} ${micros.toFixed(1).padStart(7)} µs`);
}

const pinned = (after?: string) =>
  resolvePagedConnection({
    args: { first: 100, after },
    cursors: codec.list('messages', { agentId: 20457, deviceInfo: false }),
    pageSize: 100,
    fetchPage: async () => page,
  });

await measure('pinned page of 100, every cursor read', async () => {
  const connection = await pinned();
  for (const edge of connection.edges) sink += edge.cursor.length;
});
await measure('pinned page of 100, no cursor selected', async () => {
  sink += (await pinned()).edges.length;
});
await measure('contacts page of 100, every cursor read', async () => {
  const connection = await resolveLiveConnection({
    args: { first: 100 },
    cursors: codec.list('contacts', { status: 'unattended' }),
    traversals,
    pageSize: 50,
    fetchPage: async (number) => ({ items: items.slice((number - 1) * 50, number * 50), total: 100 }),
    idOf: (item) => item.id,
  });
  for (const edge of connection.edges) sink += edge.cursor.length;
});
const [after] = codec.list('messages', { agentId: 20457, deviceInfo: false }).issue({ kind: 'snapshot', snapshot: page.snapshot }, [40]);
await measure('decode one cursor', async () => {
  sink += codec.list('messages', { agentId: 20457, deviceInfo: false }).decode(after!).offset;
});
if (sink === 0) console.log('');
