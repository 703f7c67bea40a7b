import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './open.ts';

/**
 * Moves SQLite's WAL checkpoints off the server's event loop. By default the connection that commits a transaction
 * past 1 000 pages of WAL copies them back into the database file and waits for the disk (fsync) before the request
 * that happened to commit is answered: under a stream of writes, one request in a hundred or so paid for the others.
 * The server instead turns that off on its connection and lets a worker thread, with its own connection to the same
 * file, run a PASSIVE checkpoint every `intervalMs`: it never blocks the writer nor waits for readers, and what it
 * could not copy it copies the next time. Should the thread end for any reason, the connection checkpoints by itself
 * again. CLIs and tests keep SQLite's default.
 */
export type Checkpointer = {
  /** What the thread has done so far (for benches and tests). */
  stats(): CheckpointStats;
  /** Ends the thread; the connection checkpoints by itself again. */
  stop(): Promise<void>;
};

export type CheckpointStats = {
  /** Checkpoints run on a WAL holding frames. */
  checkpoints: number;
  /** At the last of them: frames in the WAL, and those of them now copied into the database file. */
  walFrames: number;
  checkpointedFrames: number;
  /** The thread is running (false after `stop` or when it ended: the connection checkpoints by itself). */
  running: boolean;
};

/** SQLite's default, put back when the thread ends. */
const AUTOCHECKPOINT_PAGES = 1000;
/** The WAL file is cut back to this size when it restarts from its beginning, after a burst that made it grow. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** What the thread posts after a checkpoint that found frames: SQLite's `wal_checkpoint` row. */
type CheckpointMessage = { busy: number; log: number; checkpointed: number } | { error: string };

// Plain CommonJS (no TypeScript loader to start): the thread opens the file and checkpoints on a timer.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    if (row.log > 0) parentPort.postMessage(row);
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export function startCheckpointer(db: Db, file: string, options: { intervalMs?: number } = {}): Checkpointer {
  const sqlite = db.$client;
  const stats: CheckpointStats = { checkpoints: 0, walFrames: 0, checkpointedFrames: 0, running: true };
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs: options.intervalMs ?? 250 } });
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  sqlite.pragma('wal_autocheckpoint = 0');
  const fallBack = () => {
    if (!stats.running) return;
    stats.running = false;
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  worker.on('message', (message: CheckpointMessage) => {
    if ('error' in message) {
      console.error(`Points de contrôle de la base : ${message.error}`);
      return;
    }
    stats.checkpoints += 1;
    stats.walFrames = message.log;
    stats.checkpointedFrames = message.checkpointed;
  });
  worker.on('error', (error) => {
    console.error('Points de contrôle de la base : le fil s’est arrêté, la connexion reprend les points de contrôle.', error);
    fallBack();
  });
  worker.on('exit', fallBack);
  worker.unref();
  return {
    stats: () => ({ ...stats }),
    stop: async () => {
      if (!stats.running) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await exited;
      fallBack();
    },
  };
}
