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
 * F5.1: sessions this account made to any computer, and sessions to this account's
 * computers; newest first, filtered and paginated in SQL (one page, one count).
 */
export async function listHistory(db: Db, userId: string, f: HistoryFilter): Promise<{ rows: HistoryRow[]; total: number }> {
  const where: SQL[] = [sql`(rs.user_id = ${userId} OR c.owner_id = ${userId})`];
  if (f.computerId) where.push(sql`rs.computer_id = ${f.computerId}`);
  if (f.from !== undefined) where.push(sql`rs.started_at >= ${f.from}`);
  if (f.to !== undefined) where.push(sql`rs.started_at < ${f.to}`);
  const cond = sql.join(where, sql` AND `);
  const rows = await db.all<HistoryRow>(sql`
    SELECT rs.id, rs.computer_id,
           -- Today's name for whoever still sees the computer; for a viewer whose share ended,
           -- the name it had then (the owner's later names are not theirs to read).
           CASE WHEN c.owner_id = ${userId} OR EXISTS (SELECT 1 FROM shares s WHERE s.computer_id = rs.computer_id AND s.user_id = ${userId})
                THEN c.name ELSE rs.computer_name END AS computer_name,
           v.email AS viewer_email, rs.user_id, c.owner_id,
           rs.source, rs.viewer_ip, rs.viewer_agent, rs.started_at, rs.ended_at
    FROM remote_sessions rs
    JOIN computers c ON c.id = rs.computer_id
    LEFT JOIN users v ON v.id = rs.user_id
    WHERE ${cond}
    ORDER BY rs.started_at DESC, rs.id
    LIMIT ${f.pageSize} OFFSET ${(f.page - 1) * f.pageSize}`);
  const [count] = await db.all<{ n: number }>(sql`
    SELECT count(*) AS n FROM remote_sessions rs JOIN computers c ON c.id = rs.computer_id WHERE ${cond}`);
  return { rows, total: count?.n ?? 0 };
}

/** A session this user may end: one they viewed, or one on a computer they own. */
export async function findEndableSession(db: Db, userId: string, sessionId: string): Promise<{ id: string; ended_at: number | null } | undefined> {
  const [row] = await db.all<{ id: string; ended_at: number | null }>(sql`
    SELECT rs.id, rs.ended_at FROM remote_sessions rs JOIN computers c ON c.id = rs.computer_id
    WHERE rs.id = ${sessionId} AND (rs.user_id = ${userId} OR c.owner_id = ${userId})`);
  return row;
}
