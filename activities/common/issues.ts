import type { z } from 'zod';

/** Zod issues as one readable line: `field: message; field: message` (`whole` names an issue of the value itself). */
export function describeIssues(error: z.ZodError, whole = 'record'): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || whole}: ${i.message}`).join('; ');
}
