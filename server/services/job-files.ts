/** A job of the server that may hold the file it produced (a PDF, a consolidated export). */
type JobWithFile = { startedAt: number; bytes: Uint8Array | null };

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
    if (r.startedAt < limit) jobs.delete(id);
    else if (r.bytes) {
      held += r.bytes.length;
      if (held > maxBytes && held > r.bytes.length) jobs.delete(id);
    }
  }
}
