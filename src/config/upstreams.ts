import { z } from 'zod';
import type { UpstreamSettings } from '../upstreams/settings.js';
import { jsonSetting, optionalString, optionalUrl } from './env.js';

const agentList = z.preprocess(
  jsonSetting,
  z
    .array(
      z.object({
        id: z.number().int().positive(),
        accessToken: z.string().min(1),
      }),
      { error: 'must be a JSON array of {"id": number, "accessToken": string}' },
    )
    .optional(),
);

/** The real upstreams: base URLs and credentials (README, Pointing at real upstreams). */
export const upstreamsEnv = {
  AVAAMO_BASE_URL: optionalUrl,
  AVAAMO_USER_TOKEN: optionalString,
  AVAAMO_AGENTS: agentList,
  VAMBE_BASE_URL: optionalUrl,
  VAMBE_API_KEY: optionalString,
  ROCKETCHAT_BASE_URL: optionalUrl,
  ROCKETCHAT_USER_ID: optionalString,
  ROCKETCHAT_AUTH_TOKEN: optionalString,
};
type UpstreamsEnv = z.infer<z.ZodObject<typeof upstreamsEnv>>;

export function anyBaseUrl(parsed: UpstreamsEnv): boolean {
  return Boolean(parsed.AVAAMO_BASE_URL || parsed.VAMBE_BASE_URL || parsed.ROCKETCHAT_BASE_URL);
}

/**
 * An upstream with none of its variables is left out (a warning); one with
 * some but not all is a mistake and stops the start.
 */
export function configuredUpstreams(parsed: UpstreamsEnv, warnings: string[], problems: string[]): UpstreamSettings {
  const complete = (name: string, vars: Record<string, unknown>, optional: Record<string, unknown> = {}) => {
    const names = Object.keys(vars);
    const absent = names.filter((key) => vars[key] === undefined);
    const anySet = absent.length < names.length || Object.values(optional).some((value) => value !== undefined);
    if (absent.length === 0) return true;
    if (anySet) problems.push(`${name} is half configured: ${absent.join(', ')} must be set too (or unset all of ${name}'s variables).`);
    else warnings.push(`${name} is not configured (${names.join(', ')}); its fields will answer UPSTREAM_NOT_CONFIGURED.`);
    return false;
  };

  const agents = parsed.AVAAMO_AGENTS ?? [];
  const duplicates = agents.filter((agent, index) => agents.findIndex((other) => other.id === agent.id) !== index);
  if (duplicates.length > 0) problems.push(`AVAAMO_AGENTS: agent ids must be unique (repeated: ${duplicates.map((agent) => agent.id).join(', ')})`);
  const avaamo = complete(
    'Avaamo',
    { AVAAMO_BASE_URL: parsed.AVAAMO_BASE_URL, AVAAMO_USER_TOKEN: parsed.AVAAMO_USER_TOKEN },
    { AVAAMO_AGENTS: parsed.AVAAMO_AGENTS },
  )
    ? { baseUrl: parsed.AVAAMO_BASE_URL!, userToken: parsed.AVAAMO_USER_TOKEN!, agents }
    : null;
  if (avaamo && agents.length === 0) {
    warnings.push('AVAAMO_AGENTS is empty: `agents` lists nothing and no agent messages can be read.');
  }
  const vambe = complete('Vambe', { VAMBE_BASE_URL: parsed.VAMBE_BASE_URL, VAMBE_API_KEY: parsed.VAMBE_API_KEY })
    ? { baseUrl: parsed.VAMBE_BASE_URL!, apiKey: parsed.VAMBE_API_KEY! }
    : null;
  const rocketchat = complete('Rocket.Chat', {
    ROCKETCHAT_BASE_URL: parsed.ROCKETCHAT_BASE_URL,
    ROCKETCHAT_USER_ID: parsed.ROCKETCHAT_USER_ID,
    ROCKETCHAT_AUTH_TOKEN: parsed.ROCKETCHAT_AUTH_TOKEN,
  })
    ? { baseUrl: parsed.ROCKETCHAT_BASE_URL!, userId: parsed.ROCKETCHAT_USER_ID!, authToken: parsed.ROCKETCHAT_AUTH_TOKEN! }
    : null;
  return { avaamo, vambe, rocketchat };
}
