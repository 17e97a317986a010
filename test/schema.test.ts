import { readFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';

const sketchTypes = [
  'Agent', 'Message', 'UnhandledMessage', 'SmsRecord', 'Contact', 'TeamMember', 'AgentConversationStat',
  'AgentSkill', 'MessageSequence', 'MessageUser', 'ReadReceipt', 'Conversation', 'PageInfo',
  'PostAgentMessageInput', 'PostAgentMessagePayload', 'SmsStatus', 'ContactStatus', 'ContactPlatform',
  'AgentConnection', 'MessageConnection', 'UnhandledMessageConnection', 'SmsRecordConnection',
  'ContactConnection', 'AgentConversationStatConnection', 'Node', 'DateTime', 'JSON',
];

describe('the schema', () => {
  it('matches the checked-in schema/schema.graphql (npm run schema:check)', () => {
    const checkedIn = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(checkedIn).toBe(`${printSchema(lexicographicSortSchema(schema))}\n`);
  });

  it('keeps every type and root field of the design sketch', () => {
    for (const name of sketchTypes) expect(schema.getType(name), name).toBeDefined();
    expect(Object.keys(schema.getQueryType()!.getFields()).sort()).toEqual(
      ['agent', 'agentConversationStats', 'agents', 'contacts', 'node', 'nodes', 'queueSummary'].sort(),
    );
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(['postAgentMessage']);
    expect(Object.keys(schema.getSubscriptionType()!.getFields())).toEqual(['contactQueue']);
  });
});
