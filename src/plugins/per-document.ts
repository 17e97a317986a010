import type { DocumentNode, ExecutionArgs } from 'graphql';

/** Answers remembered per document, for this many operation names and sets of variables each (a traversal's cursors are new each page). */
const MAX_PER_DOCUMENT = 64;

// One key per request's variables, whoever asks first: the cost limit and the
// compiled-execution check both ask, and the variables are the same object.
const keys = new WeakMap<object, string>();

function keyOf({ operationName, variableValues }: ExecutionArgs): string {
  if (!variableValues) return JSON.stringify([operationName ?? null, null]);
  let key = keys.get(variableValues);
  if (key === undefined) {
    key = JSON.stringify([operationName ?? null, variableValues]);
    keys.set(variableValues, key);
  }
  return key;
}

/**
 * `compute` remembered per document (Yoga hands every request with the same
 * text the same parsed document), operation name and variables: for what
 * depends on those alone, and is worth not working out on every execution.
 */
export function perDocument<T>(compute: (args: ExecutionArgs) => T): (args: ExecutionArgs) => T {
  const known = new WeakMap<DocumentNode, Map<string, T>>();
  return (args) => {
    const answers = known.get(args.document) ?? new Map<string, T>();
    const key = keyOf(args);
    if (answers.has(key)) return answers.get(key)!;
    const answer = compute(args);
    if (answers.size >= MAX_PER_DOCUMENT) answers.clear();
    answers.set(key, answer);
    known.set(args.document, answers);
    return answer;
  };
}
