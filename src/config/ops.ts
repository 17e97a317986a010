import { z } from 'zod';
import { LOG_LEVELS, type TelemetrySettings } from '../telemetry/settings.js';
import { blankToUndefined, int, optionalString, optionalUrl } from './env.js';

/** Logs, metrics, traces and shutdown (README, Production). */
export const opsEnv = {
  LOG_LEVEL: z.preprocess(
    (value) => (typeof blankToUndefined(value) === 'string' ? String(value).toLowerCase() : undefined),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
  METRICS_PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(65535).optional()),
  METRICS_TOKEN: z.preprocess(blankToUndefined, z.string().min(16, { error: 'must be at least 16 characters' }).optional()),
  // Under Kubernetes' default 30 s terminationGracePeriodSeconds, so the gateway ends before it is killed.
  SHUTDOWN_GRACE_MS: int(0, 600_000, 25_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: z.preprocess(blankToUndefined, z.string().default('cx-gateway')),
  NODE_ENV: optionalString,
  // The build's own id (a commit, an image digest): folded into the response-cache key (README, Scaling out).
  BUILD_ID: optionalString,
};

export function telemetrySettings(parsed: z.infer<z.ZodObject<typeof opsEnv>>): TelemetrySettings {
  return {
    logLevel: parsed.LOG_LEVEL,
    development: parsed.NODE_ENV !== 'production',
    metrics: { port: parsed.METRICS_PORT ?? null, token: parsed.METRICS_TOKEN ?? null },
    tracing: parsed.OTEL_EXPORTER_OTLP_ENDPOINT
      ? { endpoint: parsed.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: parsed.OTEL_SERVICE_NAME }
      : null,
  };
}
