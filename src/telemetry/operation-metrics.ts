import { createCounter, createHistogram, usePrometheus, type FillLabelsFnParams } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';

/** Distinct operation names kept as label values; later ones count as `other`. */
const MAX_OPERATION_NAMES = 200;
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const CODE = /^[A-Z][A-Z0-9_]{0,47}$/;

/**
 * Operation names are the caller's to choose, so a label of them must be
 * bounded: the first names seen (the services' own operations, in practice)
 * keep theirs, anything later or odd is `other`.
 */
export function createOperationNameLabel(max = MAX_OPERATION_NAMES): (name: string | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (!name) return 'anonymous';
    if (seen.has(name)) return name;
    if (!NAME.test(name) || seen.size >= max) return 'other';
    seen.add(name);
    return name;
  };
}

/** Codes Yoga gives errors of these phases when it answers them (graphql-js sets none). */
const PHASE_CODES: Record<string, string> = { parse: 'GRAPHQL_PARSE_FAILED', validate: 'GRAPHQL_VALIDATION_FAILED' };

/** The error's `extensions.code` (or the upstream error's code before it is coded), as a label. */
function codeOf(error: unknown, phase: string): string {
  const { extensions, originalError } = (error ?? {}) as { extensions?: { code?: unknown }; originalError?: { code?: unknown } };
  const code = extensions?.code ?? originalError?.code;
  if (typeof code === 'string' && CODE.test(code)) return code;
  return PHASE_CODES[phase] ?? 'INTERNAL_SERVER_ERROR';
}

/**
 * Operation metrics from @graphql-yoga/plugin-prometheus on the gateway's
 * registry: operations and their duration by name and type, errors by code.
 * The plugin's other metrics are off: its per-phase histograms add little
 * here, and its HTTP histogram labels by URL. /metrics is served by the
 * gateway itself (request-handler.ts), never by this plugin.
 */
export function useOperationMetrics(registry: Registry): Plugin {
  const operationName = createOperationNameLabel();
  const labels = (params: FillLabelsFnParams) => ({
    operationName: operationName(params.operationName),
    operationType: params.operationType ?? 'unknown',
  });
  return usePrometheus({
    registry,
    endpoint: false,
    metrics: {
      graphql_envelop_request: createCounter({
        registry,
        counter: { name: 'graphql_envelop_request', help: 'GraphQL operations executed, by name and type.', labelNames: ['operationName', 'operationType'] },
        fillLabelsFn: labels,
      }),
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_envelop_request_duration',
          help: 'GraphQL operations\' execution time in seconds, by name and type.',
          labelNames: ['operationName', 'operationType'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        },
        fillLabelsFn: labels,
      }),
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result',
          help: 'Errors in GraphQL results, by operation, phase and extensions.code.',
          labelNames: ['operationName', 'operationType', 'phase', 'code'],
        },
        fillLabelsFn: (params) => {
          const phase = params.errorPhase ?? 'execute';
          return { ...labels(params), phase, code: codeOf(params.error, phase) };
        },
      }),
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_yoga_http_duration: false,
    },
  });
}
