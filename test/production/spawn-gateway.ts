import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface GatewayProcess {
  child: ChildProcess;
  /** The GraphQL endpoint, from the start line. */
  url: string;
  /** Every stdout line so far, parsed (pino JSON). */
  lines(): Array<Record<string, unknown>>;
  /** Resolves once a line matches. */
  waitForLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** `src/main.ts` in a process of its own (through tsx), as `npm start` runs it; on a free port unless env says otherwise. */
export async function spawnGateway(env: Record<string, string | undefined>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const parsed: Array<Record<string, unknown>> = [];
  const listeners = new Set<() => void>();
  let pending = '';
  let errors = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop()!;
    for (const line of complete) {
      if (line.trim() === '') continue;
      try {
        parsed.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        parsed.push({ unparsed: line });
      }
    }
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitForLine = (match: (line: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = parsed.find(match);
        if (!found) return;
        listeners.delete(check);
        resolve(found);
      };
      listeners.add(check);
      void exited.then(() => reject(new Error(`the gateway exited before the line was written:\n${errors}\n${JSON.stringify(parsed)}`)));
      check();
    });
  const start = await waitForLine((line) => typeof line.url === 'string');
  return { child, url: String(start.url), lines: () => [...parsed], waitForLine, exited, stderr: () => errors };
}
