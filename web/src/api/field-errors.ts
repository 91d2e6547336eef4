// The Worker words a validation failure as "field: message" lines joined by spaces, e.g.
// "name: A name cannot be empty. group: A group has at most 64 characters." (describeIssues
// in worker/routes/openapi.ts). This splits such a message so each part can be shown next to
// its field; whatever names no known field stays a message for the whole form.

export type FieldErrors<F extends string> = { fields: Partial<Record<F, string>>; rest: string | null };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function splitFieldErrors<F extends string>(message: string, fields: readonly F[]): FieldErrors<F> {
  // Longest first, so "credentials.username" wins over "credentials".
  const names = [...fields].sort((a, b) => b.length - a.length).map(escape);
  const marker = new RegExp(`(?:^|\\s)(${names.join("|")}): `, "g");
  const found: { field: F; start: number; end: number }[] = [];
  for (let match = marker.exec(message); match; match = marker.exec(message)) {
    found.push({ field: match[1] as F, start: match.index, end: match.index + match[0].length });
  }
  if (found.length === 0) return { fields: {}, rest: message };
  const result: Partial<Record<F, string>> = {};
  for (const [i, hit] of found.entries()) {
    const text = message.slice(hit.end, found[i + 1]?.start ?? message.length).trim();
    result[hit.field] = result[hit.field] ? `${result[hit.field]} ${text}` : text;
  }
  const rest = message.slice(0, found[0]!.start).trim();
  return { fields: result, rest: rest || null };
}
