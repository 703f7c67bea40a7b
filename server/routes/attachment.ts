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
