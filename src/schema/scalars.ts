import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { builder } from './builder.js';

builder.addScalarType('DateTime', DateTimeResolver, {
  description:
    'An instant as an ISO-8601 / RFC 3339 string with an offset, e.g. 2026-11-21T09:30:00Z. Always UTC on the way out; the gateway converts to each upstream\'s own unit (epoch seconds, microseconds, ISO strings).',
});
builder.addScalarType('JSON', JSONResolver, {
  description: 'Any JSON value, passed through from the upstream as it sent it.',
});
