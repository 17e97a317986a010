import { CxGatewayError } from '../../packages/sdk/src/index.js';

/** The CxGatewayError a request rejects with (fails the test if it resolves or throws something else). */
export async function failureOf(pending: Promise<unknown>): Promise<CxGatewayError> {
  const outcome = await pending.then(
    (data) => ({ data }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome) || !(outcome.error instanceof CxGatewayError)) {
    throw new Error(`expected a CxGatewayError, got ${JSON.stringify(outcome)}`);
  }
  return outcome.error;
}
