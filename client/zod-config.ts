import { z } from 'zod';

/**
 * zod compiles object parsers with `new Function` when the page allows it; the Content-Security-Policy does not
 * (no 'unsafe-eval'), and the probe would report a violation. Imported first by main.ts.
 */
z.config({ jitless: true });
