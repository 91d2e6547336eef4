import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";

export type HistoryFilter = { computerId?: string; from?: number; to?: number; page: number; pageSize: number };

export type HistoryRow = {
  id: string;
  computer_id: string;
  computer_name: string;
  viewer_email: string | null;
  user_id: string | null;
  owner_id: string;
  source: "cabinet" | "permalink" | "support" | "shared";
  viewer_ip: string;
  viewer_agent: string;
  started_at: number;
  ended_at: number | null;
};

/**
 * The ids (and start times) of the sessions a user's history holds, filtered: theirs as the
 * viewer, and those on computers they own. Two branches, one along each index
 * (remote_sessions_user; computers_owner_added then remote_sessions_computer): one condition
 * with "viewer OR owner" spans two tables, and SQLite then reads every session ever recorded.
 */
function historyIds(userId: string, f: HistoryFilter): SQL {
  const filters: SQL[] = [];
  if (f.computerId) filters.push(sql`rs.computer_id = ${f.computerId}`);
  if (f.from !== undefined) filters.push(sql`rs.started_at >= ${f.from}`);
  if (f.to !== undefined) filters.push(sql`rs.started_at < ${f.to}`);
  const and = filters.length ? sql` AND ${sql.join(filters, sql` AND `)}` : sql``;
  return sql`
    SELECT rs.id, rs.started_at FROM remote_sessions rs WHERE rs.user_id = ${userId}${and}
    UNION
    SELECT rs.id, rs.started_at FROM computers c JOIN remote_sessions rs ON rs.computer_id = c.id WHERE c.owner_id = ${userId}${and}`;
}

/**
 * F5.1: sessions this account made to any computer, and sessions to this account's
 * computers; newest first, filtered and paginated in SQL (one page, one count).
 */
export async function listHistory(db: Db, userId: string, f: HistoryFilter): Promise<{ rows: HistoryRow[]; total: number }> {
  const ids = historyIds(userId, f);
  const rows = await db.all<HistoryRow>(sql`
    WITH page AS (SELECT id, started_at FROM (${ids}) ORDER BY started_at DESC, id LIMIT ${f.pageSize} OFFSET ${(f.page - 1) * f.pageSize})
    SELECT rs.id, rs.computer_id,
           -- Today's name for whoever still sees the computer; for a viewer whose share ended,
           -- the name it had then (the owner's later names are not theirs to read).
           CASE WHEN c.owner_id = ${userId} OR EXISTS (SELECT 1 FROM shares s WHERE s.computer_id = rs.computer_id AND s.user_id = ${userId})
                THEN c.name ELSE rs.computer_name END AS computer_name,
           v.email AS viewer_email, rs.user_id, c.owner_id,
           rs.source, rs.viewer_ip, rs.viewer_agent, rs.started_at, rs.ended_at
    FROM page
    JOIN remote_sessions rs ON rs.id = page.id
    JOIN computers c ON c.id = rs.computer_id
    LEFT JOIN users v ON v.id = rs.user_id
    ORDER BY page.started_at DESC, page.id`);
  const [count] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM (${ids})`);
  return { rows, total: count?.n ?? 0 };
}

/** A session this user may end: one they viewed, or one on a computer they own. */
export async function findEndableSession(db: Db, userId: string, sessionId: string): Promise<{ id: string; ended_at: number | null } | undefined> {
  const [row] = await db.all<{ id: string; ended_at: number | null }>(sql`
    SELECT rs.id, rs.ended_at FROM remote_sessions rs JOIN computers c ON c.id = rs.computer_id
    WHERE rs.id = ${sessionId} AND (rs.user_id = ${userId} OR c.owner_id = ${userId})`);
  return row;
}
