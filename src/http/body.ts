/** An upstream answer's text and its size on the wire (after decompression). */
export interface BodyText {
  text: string;
  bytes: number;
}

/**
 * Reads a body as a stream, keeping at most `maxBytes` of it: a longer one
 * (announced by Content-Length, or found out while reading) is cancelled,
 * which closes its connection, and answers `null`. So one oversized answer
 * costs the gateway the bound, not the answer's size.
 */
export async function readBounded(response: Response, maxBytes: number): Promise<BodyText | null> {
  const announced = Number(response.headers.get('content-length') ?? Number.NaN);
  if (announced > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!response.body) return { text: '', bytes: 0 };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  // TextDecoder as Response.text() decodes: UTF-8, a byte-order mark dropped.
  return { text: new TextDecoder().decode(Buffer.concat(chunks, bytes)), bytes };
}

/** The JSON a body holds, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** 8 MiB, 1.5 MiB, 512 KiB, 100 bytes: a limit as an operator wrote it. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(2))} ${unit}`;
  }
  return `${bytes} bytes`;
}
