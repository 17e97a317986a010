import { UpstreamError, upstreamLabels, type UpstreamName } from '../http/errors.js';

const settingsNames: Record<UpstreamName, string> = {
  avaamo: 'AVAAMO_BASE_URL and AVAAMO_USER_TOKEN',
  vambe: 'VAMBE_BASE_URL and VAMBE_API_KEY',
  rocketchat: 'ROCKETCHAT_BASE_URL, ROCKETCHAT_USER_ID and ROCKETCHAT_AUTH_TOKEN',
};

export function notConfigured(upstream: UpstreamName): UpstreamError {
  return new UpstreamError(
    upstream,
    'UPSTREAM_NOT_CONFIGURED',
    `${upstreamLabels[upstream]} is not configured on this gateway (set ${settingsNames[upstream]}).`,
  );
}
