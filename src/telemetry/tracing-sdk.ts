import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { TelemetrySettings } from './settings.js';

// A module of its own, imported by main.ts only when tracing is on: the SDK
// loads its exporters, instrumentation and log SDK, which a gateway without
// OTEL_EXPORTER_OTLP_ENDPOINT has no use for.

export interface Tracing {
  /** Sends the spans still buffered and stops (graceful shutdown). */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry's Node SDK exporting spans over OTLP/HTTP to
 * `<endpoint>/v1/traces`, W3C trace context in and out; nothing is
 * instrumented automatically, the gateway makes its own spans. Until this
 * runs (and when tracing is off) the OpenTelemetry API is a no-op.
 */
export function startTracing(settings: NonNullable<TelemetrySettings['tracing']>): Tracing {
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    traceExporter: new OTLPTraceExporter({ url: `${settings.endpoint}/v1/traces` }),
    instrumentations: [],
    // Only traces: OTLP metrics and logs would duplicate /metrics and stdout.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
