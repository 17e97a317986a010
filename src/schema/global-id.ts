import { isObjectType, type GraphQLSchema } from 'graphql';
import { badUserInput } from './errors.js';

/**
 * Global ids as the relay plugin spells them (base64 of "Type:localId"),
 * decoded strictly so a garbled or foreign id is a caller error with a code,
 * not an uncoded internal one.
 */
export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64');
}

export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0 || encodeGlobalId(decoded.slice(0, separator), decoded.slice(separator + 1)) !== globalId) {
    throw invalidGlobalId();
  }
  return { typename: decoded.slice(0, separator), id: decoded.slice(separator + 1) };
}

/** Refuses an id whose type is not one `node` can refetch. */
export function checkNodeType(schema: GraphQLSchema, typename: string): void {
  const type = schema.getType(typename);
  if (!isObjectType(type) || !type.getInterfaces().some((candidate) => candidate.name === 'Node')) {
    throw invalidGlobalId();
  }
}

function invalidGlobalId() {
  return badUserInput('invalid global id: it is garbled or names no type that can be refetched');
}
