import { createCounter, createHistogram, usePrometheus, type FillLabelsFnParams } from '@graphql-yoga/plugin-prometheus';
import { Kind, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';

const CODE = /^[A-Z][A-Z0-9_]{0,47}$/;

/**
 * Operation names are the caller's to choose, so a label of them must be
 * bounded, and by what no caller controls: the names of the operations in the
 * allow-list (the trusted documents, else the SDK's), each its own; any other
 * name is `other`. (Keeping the first names seen let anyone fill the label
 * with junk after a start, and every real operation then counted as `other`.)
 */
export function createOperationNameLabel(known: ReadonlySet<string>): (name: string | undefined) => string {
  return (name) => {
    if (!name) return 'anonymous';
    return known.has(name) ? name : 'other';
  };
}

/** The names of the named operations in a set of documents (an allow-list's); a document that does not parse adds none. */
export function operationNamesOf(documents: Iterable<string>): Set<string> {
  const names = new Set<string>();
  for (const document of documents) {
    try {
      for (const definition of parse(document).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.add(definition.name.value);
      }
    } catch {
      // Not a document: nothing to name.
    }
  }
  return names;
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
 * registry: operations and their duration by name (the allow-list's, else
 * `other`) and type, errors by code.
 * The plugin's other metrics are off: its per-phase histograms add little
 * here, and its HTTP histogram labels by URL. /metrics is served by the
 * gateway itself (request-handler.ts), never by this plugin.
 */
export function useOperationMetrics(registry: Registry, knownOperations: ReadonlySet<string>): Plugin {
  const operationName = createOperationNameLabel(knownOperations);
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
