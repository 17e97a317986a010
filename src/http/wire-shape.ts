import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/**
 * Where a response left its documented shape, as `path: problem`. Tolerant
 * schemas are unions (Vambe's `{data,total}` or a bare array), and a union
 * only says "Invalid input" at the root; the branch that got furthest names
 * the field that actually broke.
 */
export function shapeProblem(error: z.ZodError): string {
  const issue = deepest(error.issues, []);
  if (!issue) return 'unknown';
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

function deepest(issues: readonly Issue[], prefix: PropertyKey[]): { path: PropertyKey[]; message: string } | undefined {
  let best: { path: PropertyKey[]; message: string } | undefined;
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const candidate =
      issue.code === 'invalid_union' && issue.errors.length > 0
        ? issue.errors.map((branch) => deepest(branch, path)).reduce((a, b) => (b && (!a || b.path.length > a.path.length) ? b : a), undefined)
        : { path, message: issue.message };
    if (candidate && (!best || candidate.path.length > best.path.length)) best = candidate;
  }
  return best;
}
