// Fan-out to Durable Objects after the deciding D1 change has been made (a row deleted, a
// password set): one object that fails must not turn the whole request into an error the
// user cannot usefully retry (the row is gone, the token spent), nor stop the others.
// Failures are logged for the operator instead.

export async function settleAll(what: string, calls: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(calls);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed.length > 0) {
    console.error(JSON.stringify({ event: "fan_out_failed", what, failed: failed.length, of: calls.length, first: String(failed[0]!.reason) }));
  }
}
