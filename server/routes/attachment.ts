import { NotFoundError } from '../errors.ts';
import { streamJobFile, type JobFile } from '../services/job-files.ts';

/**
 * Headers of a file download: the name in ASCII for old clients and in UTF-8 (RFC 6266) for the others
 * ("PCS Liège <années>.xlsx"), never cached.
 */
export function attachmentHeaders(filename: string, contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-disposition': `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    'cache-control': 'no-store',
  };
}

/**
 * A finished job's file (job-files.ts) sent from the disk; 404 when it was forgotten meanwhile (its time is over, or
 * newer files pushed it out).
 */
export function jobFileResponse({ filename, file, contentType }: { filename: string; file: JobFile; contentType: string }): Response {
  const opened = streamJobFile(file);
  if (!opened) throw new NotFoundError(`Le fichier « ${filename} » n’est plus disponible : relancez la génération`);
  return new Response(opened.stream, { headers: { ...attachmentHeaders(filename, contentType), 'content-length': String(opened.size) } });
}
