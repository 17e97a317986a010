import { builder } from './builder.js';
import './scalars.js';
import './agent.js';
import './message.js';
import './unhandled-message.js';
import './sms-record.js';
import './contact.js';
import './queue-summary.js';
import './contact-queue.js';
import './agent-conversation-stat.js';

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    description: 'How many items the whole list holds, as the upstream reports it.',
    resolve: (connection) => connection.totalCount,
  }),
);

export const schema = builder.toSchema({ sortSchema: false });
