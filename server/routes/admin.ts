import { Hono } from 'hono';
import { exportDatabaseBackup } from '../services/backup.ts';
import { allow, type AppEnv } from './access.ts';
import { attachmentHeaders } from './attachment.ts';

/** The MIME type of an SQLite database file. */
export const SQLITE_MIME = 'application/vnd.sqlite3';

/** The administrator's maintenance of the server: a backup of the database to download (`npm run backup` on the server is the other way). */
export function adminRoutes() {
  return new Hono<AppEnv>().get('/backup', allow('download-backup'), async (c) => {
    const backup = await exportDatabaseBackup(c.var.ctx);
    return c.body(backup.stream, 200, { ...attachmentHeaders(backup.filename, SQLITE_MIME), 'content-length': String(backup.bytes) });
  });
}
