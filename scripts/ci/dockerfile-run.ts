/**
 * Replays the Dockerfile without Docker (this machine has no daemon): each
 * stage gets a directory of its own as its filesystem, COPY copies from a
 * copy of the repository filtered by .dockerignore (or from an earlier
 * stage), RUN runs there with the stage's ENV. Then the last stage's CMD is
 * started as the image would start it, its HEALTHCHECK must pass, an
 * operation must answer with data, and its STOPSIGNAL must stop it with exit 0.
 * Usage: tsx scripts/ci/dockerfile-run.ts
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { commandOf, envOf, healthcheckCommand, parseDockerfile } from './dockerfile.js';

const repo = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'cx-dockerfile-'));
/** The image's CMD once started: its own process group (a shell-form CMD is sh and its children). */
let started: ChildProcess | null = null;
/** Leaves nothing behind: the gateway (and what it started) and the temporary tree. */
function cleanUp(): void {
  if (started?.pid !== undefined && started.exitCode === null && started.signalCode === null) {
    try {
      process.kill(-started.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(work, { recursive: true, force: true });
}
// On every way out: a failed check (fail), a throw, or the end.
process.on('exit', cleanUp);
function fail(message: string): never {
  console.error(`dockerfile-run: FAILED: ${message}`);
  process.exit(1);
}

/** The build context: tracked and new files of the repository, less what .dockerignore excludes. */
function buildContext(): string {
  const context = join(work, 'context');
  const ignored = readFileSync(join(repo, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map(globToRegExp);
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && existsSync(join(repo, file)));
  for (const file of files) {
    const parts = file.split('/');
    const excluded = parts.some((_, index) => ignored.some((pattern) => pattern.test(parts.slice(0, index + 1).join('/'))));
    if (excluded) continue;
    mkdirSync(dirname(join(context, file)), { recursive: true });
    cpSync(join(repo, file), join(context, file));
  }
  return context;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/^\/+|\/+$/g, '')
    .split(/(\*\*\/|\*\*|\*|\?)/)
    .map((part) => ({ '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' })[part] ?? part.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
    .join('');
  return new RegExp(`^${body}$`);
}

/** COPY's rule: into a directory when the destination ends with / or several sources are given. */
function copy(sources: string[], destination: string, from: string, root: string, workdir: string) {
  const target = destination.startsWith('/') ? join(root, destination) : join(root, workdir, destination);
  const intoDirectory = destination.endsWith('/') || sources.length > 1;
  for (const source of sources) {
    const path = join(from, source);
    if (!existsSync(path)) fail(`COPY ${source}: not in the ${from === context ? 'build context (mind .dockerignore)' : 'stage'}`);
    const isDirectory = statSync(path).isDirectory();
    const to = intoDirectory && !isDirectory ? join(target, source.split('/').at(-1)!) : target;
    mkdirSync(isDirectory ? to : dirname(to), { recursive: true });
    cpSync(path, to, { recursive: true });
  }
}

const context = buildContext();
const stages = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
const roots = new Map<string, string>();
let final: { root: string; workdir: string; env: Record<string, string>; cmd: string; healthcheck: string | null; stopsignal: string } | null = null;

for (const [index, stage] of stages.entries()) {
  const root = join(work, `stage-${index}`);
  mkdirSync(root);
  if (stage.name) roots.set(stage.name, root);
  let workdir = '/';
  const env: Record<string, string> = {};
  // Build arguments, as `docker build --build-arg` would pass them (from this process's environment), for ENV to read.
  const buildArgs: Record<string, string> = {};
  let cmd = '';
  let healthcheck: string | null = null;
  let stopsignal = 'SIGTERM';
  console.log(`dockerfile-run: stage ${stage.name ?? index} (${stage.image})`);
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'WORKDIR') {
      workdir = args.startsWith('/') ? args : join(workdir, args);
      mkdirSync(join(root, workdir), { recursive: true });
    } else if (keyword === 'ARG') {
      const [name = '', fallback = ''] = args.split('=');
      buildArgs[name] = process.env[name] ?? fallback;
    } else if (keyword === 'ENV') {
      Object.assign(env, envOf(args.replace(/\$\{(\w+)\}/g, (_, name: string) => buildArgs[name] ?? '')));
    } else if (keyword === 'COPY') {
      const words = args.split(' ');
      const fromFlag = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : null;
      const destination = words.pop()!;
      const from = fromFlag ? join(roots.get(fromFlag) ?? fail(`COPY --from=${fromFlag}: no such stage`), '') : context;
      // A path in another stage is absolute in that stage's filesystem.
      const sources = fromFlag ? words.map((word) => word.replace(/^\//, '')) : words;
      copy(sources, destination, from, root, workdir);
    } else if (keyword === 'RUN') {
      // RUN's own flags (--mount=type=cache,…) are BuildKit's business; here npm's cache is this machine's.
      const command = args.replace(/^(--\S+\s+)+/, '');
      console.log(`dockerfile-run:   RUN ${command}`);
      execFileSync('sh', ['-c', command], { cwd: join(root, workdir), env: { ...process.env, ...env }, stdio: 'inherit' });
    } else if (keyword === 'CMD') {
      cmd = args;
    } else if (keyword === 'HEALTHCHECK') {
      healthcheck = healthcheckCommand(args);
    } else if (keyword === 'STOPSIGNAL') {
      stopsignal = args;
    }
    // USER, EXPOSE, LABEL: nothing to replay (test/production/image.test.ts reads them).
  }
  final = { root, workdir, env, cmd, healthcheck, stopsignal };
}
if (!final?.cmd) fail('the last stage has no CMD');
const image = final!;
const app = join(image.root, image.workdir);
for (const dev of ['tsx', 'vitest', 'typescript']) {
  if (existsSync(join(app, 'node_modules', dev))) fail(`the image holds the devDependency ${dev}`);
}

const freePort = () =>
  new Promise<number>((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
const port = await freePort();
// The image listens on 0.0.0.0:4000; here, loopback and a free port.
const env = { ...process.env, ...image.env, HOST: '127.0.0.1', PORT: String(port), SANDBOX_PORT: '0' };
const spawnCommand = (args: string, detached = false) => {
  const command = commandOf(args);
  return 'exec' in command
    ? spawn(command.exec[0]!, command.exec.slice(1), { cwd: app, env, detached })
    : spawn('sh', ['-c', command.shell], { cwd: app, env, detached });
};
const child = spawnCommand(image.cmd, true);
started = child;
let output = '';
child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

const deadline = Date.now() + 60_000;
while (!/"url":"http/.test(output)) {
  if (Date.now() > deadline || child.exitCode !== null) fail(`the gateway did not start:\n${output}`);
  await new Promise((done) => setTimeout(done, 100));
}
console.log(`dockerfile-run: started: ${image.cmd}`);

if (image.healthcheck) {
  const check = spawnCommand(image.healthcheck);
  const code = await new Promise<number | null>((done) => check.once('exit', done));
  if (code !== 0) fail(`HEALTHCHECK exited ${code}`);
  console.log('dockerfile-run: HEALTHCHECK passed');
}

const answer = await fetch(`http://127.0.0.1:${port}/graphql`, {
  method: 'POST',
  // NODE_ENV=production asks browsers' simple requests for Yoga's CSRF header; a JSON POST is not one.
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: '{ agents(first: 1) { nodes { name } } }' }),
});
const body = (await answer.json()) as { data?: { agents?: { nodes?: Array<{ name: string }> } } };
if (!body.data?.agents?.nodes?.[0]?.name) fail(`the operation answered ${answer.status} ${JSON.stringify(body)}`);
console.log(`dockerfile-run: an operation answered with data (${body.data.agents.nodes[0].name})`);

child.kill(image.stopsignal as NodeJS.Signals);
const code = await exited;
if (code !== 0) fail(`${image.stopsignal} ended the gateway with exit code ${code}:\n${output}`);
console.log(`dockerfile-run: ${image.stopsignal} stopped it with exit code 0`);
