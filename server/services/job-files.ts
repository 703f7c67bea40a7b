import { randomUUID } from 'node:crypto';
import { createReadStream, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/**
 * The files finished jobs produced (a plan's PDF, a consolidated export), kept on disk until they are downloaded or
 * forgotten rather than in the server's memory: a quarter of an hour of renders would otherwise hold tens of MB of
 * PDFs and consolidated files in the process (`npm run bench:soak`). They live in a directory of this process under
 * the system's temporary directory (`TMPDIR`), readable by the server's user only; a file goes when its job is
 * forgotten, the directory when the process exits, and the directories left by a process that died (a crash, a
 * `kill -9`) when the next server writes its first file.
 */
export type JobFile = { readonly path: string; readonly size: number };

/** A job of the server that may hold the file it produced. */
type JobWithFile = { startedAt: number; file: JobFile | null };

const PREFIX = 'cohesio-jobs-';
let directory: string | null = null;

/** This process's directory of job files, made on first use (the directories of dead processes removed then). */
function jobDirectory(): string {
  if (directory) return directory;
  removeDeadJobDirectories();
  const dir = join(tmpdir(), `${PREFIX}${process.pid}-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { mode: 0o700 });
  process.once('exit', () => {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A file the system keeps busy: the folder stays for the next server to remove.
    }
  });
  directory = dir;
  return dir;
}

/** Removes the directories of job files whose process is gone (`cohesio-jobs-<pid>-…`). */
export function removeDeadJobDirectories(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^cohesio-jobs-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    const path = join(tmpdir(), name);
    try {
      // Only a real directory of this user (a shared temporary folder may hold another user's, or a link).
      const stats = lstatSync(path);
      if (!stats.isDirectory() || stats.uid !== process.getuid?.()) continue;
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone meanwhile, or not ours to remove: left as it is.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes a finished job's file (readable by the server's user only). */
export function saveJobFile(bytes: Uint8Array): JobFile {
  try {
    const path = join(jobDirectory(), randomUUID());
    writeFileSync(path, bytes, { mode: 0o600 });
    return { path, size: bytes.length };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new Error(`le fichier n’a pas pu être enregistré dans le dossier temporaire du serveur (${tmpdir()} : ${code}) ; signalez-le à l’administrateur`);
  }
}

/** Removes a job's file (already gone: nothing to do; one the system keeps busy goes with the directory at exit). */
function deleteJobFile(file: JobFile | null): void {
  if (!file) return;
  try {
    rmSync(file.path, { force: true });
  } catch {
    // Windows refuses to remove a file being sent.
  }
}

/**
 * A job's file as a stream to send, with its size; null when it is already gone. The file is opened now, so it may
 * be forgotten (removed) while it is being sent.
 */
export function streamJobFile(file: JobFile): { stream: ReadableStream<Uint8Array>; size: number } | null {
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch {
    return null;
  }
  const size = fstatSync(fd).size;
  return { stream: Readable.toWeb(createReadStream('', { fd })) as ReadableStream<Uint8Array>, size };
}

/** Forgets one job, and its file. */
export function forgetJob<R extends JobWithFile>(jobs: Map<string, R>, id: string): void {
  const record = jobs.get(id);
  if (!record) return;
  jobs.delete(id);
  deleteJobFile(record.file);
}

/**
 * Forgets the jobs started more than `ttlMs` ago, and, counting the files newest first (a Map keeps the order of
 * insertion), the oldest ones past `maxBytes` of files: the newest file stays, however big. Jobs `running` says are
 * still at work are left alone.
 */
export function forgetOldJobs<R extends JobWithFile>(jobs: Map<string, R>, ttlMs: number, maxBytes: number, running: (r: R) => boolean = () => false): void {
  const limit = Date.now() - ttlMs;
  let held = 0;
  for (const [id, r] of [...jobs].reverse()) {
    if (running(r)) continue;
    if (r.startedAt < limit) forgetJob(jobs, id);
    else if (r.file) {
      held += r.file.size;
      if (held > maxBytes && held > r.file.size) forgetJob(jobs, id);
    }
  }
}
