/** Logs, metrics and traces (README, Production). */
export interface TelemetrySettings {
  logLevel: LogLevel;
  /** Development (NODE_ENV is not production): logs are pretty when stdout is a terminal. */
  development: boolean;
  metrics: {
    /** A port of its own for GET /metrics (not public); `null`: the main port serves it. */
    port: number | null;
    /** Asked as `Authorization: Bearer <token>` wherever /metrics is served; `null`: not asked. */
    token: string | null;
  };
  /** `null`: tracing is off (no OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracing: { endpoint: string; serviceName: string } | null;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
