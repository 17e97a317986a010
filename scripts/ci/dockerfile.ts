/** A Dockerfile read into stages and instructions: what the image test and the CI replay both look at. */

export interface Instruction {
  keyword: string;
  /** The rest of the line, continuation lines joined. */
  args: string;
}

export interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const stages: Stage[] = [];
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [, image = '', name = null] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ image, name, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${upper} before any FROM`);
    stage.instructions.push({ keyword: upper, args: args.replace(/\s+/g, ' ').trim() });
  }
  return stages;
}

/** `["node", "x"]` (exec form) or a shell line. */
export function commandOf(args: string): { exec: string[] } | { shell: string } {
  if (args.startsWith('[')) return { exec: JSON.parse(args) as string[] };
  return { shell: args };
}

/** `ENV A=1 B=2` (the old `ENV A 1` form too). */
export function envOf(args: string): Record<string, string> {
  if (!args.includes('=')) {
    const [name = '', ...value] = args.split(' ');
    return { [name]: value.join(' ') };
  }
  return Object.fromEntries([...args.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map(([, name, value]) => [name!, value!.replace(/^"|"$/g, '')]));
}

/** The command of `HEALTHCHECK [options] CMD …`, or null for `HEALTHCHECK NONE`. */
export function healthcheckCommand(args: string): string | null {
  const at = args.indexOf('CMD ');
  return at === -1 ? null : args.slice(at + 4).trim();
}
