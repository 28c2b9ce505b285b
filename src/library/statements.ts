// Prepared statements, prepared once per connection: preparing costs more than running most of the
// library's queries (tens of microseconds against a few).

import type { Database, Statement } from 'better-sqlite3';

const statements = new WeakMap<Database, Map<string, Statement>>();

/** A prepared statement, prepared once per connection (preparing costs more than running most of these). */
export function cached(db: Database, sql: string): Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}
