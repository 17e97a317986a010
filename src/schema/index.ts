import { builder } from './builder.js';
import { ASOF_DESCRIPTION, STALE_DESCRIPTION } from './freshness.js';
import './scalars.js';
import './agent.js';
import './message.js';
import './unhandled-message.js';
import './sms-record.js';
import './contact.js';
import './queue-summary.js';
import './contact-queue.js';
import './agent-conversation-stat.js';
import './sms-delivery-stats.js';
import './unhandled-query-cluster.js';

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    description: 'How many items the whole list holds, as the upstream reports it.',
    resolve: (connection) => connection.totalCount,
  }),
);

builder.globalConnectionField('asOf', (t) =>
  t.field({
    type: 'DateTime',
    description: ASOF_DESCRIPTION,
    resolve: (connection) => connection.freshness.asOf(),
  }),
);

builder.globalConnectionField('stale', (t) =>
  t.boolean({
    description: STALE_DESCRIPTION,
    resolve: (connection) => connection.freshness.stale(),
  }),
);

export const schema = builder.toSchema({ sortSchema: false });
