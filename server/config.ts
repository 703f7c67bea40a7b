import { z } from 'zod';
import { join, resolve } from 'node:path';

/** Runtime configuration, parsed once from the environment by `server/main.ts`. */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().min(1).default('localhost'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Load the Liège sample when the database holds no plan (default on). */
  LOAD_SAMPLE: z.enum(['true', 'false']).default('true'),
  /** Handsontable licence key; the evaluation key is for development and evaluation only (see README). */
  HANDSONTABLE_LICENSE_KEY: z.string().trim().min(1).max(200).default('non-commercial-and-evaluation'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  loadSample: boolean;
  handsontableLicenseKey: string;
  clientDir: string;
};

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const r = ConfigSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Configuration invalide :\n${lines}`);
  }
  const dataDir = resolve(r.data.DATA_DIR);
  return {
    port: r.data.PORT,
    host: r.data.HOST,
    dataDir,
    databaseFile: join(dataDir, 'cohesio.sqlite'),
    loadSample: r.data.LOAD_SAMPLE === 'true',
    handsontableLicenseKey: r.data.HANDSONTABLE_LICENSE_KEY,
    clientDir: resolve('dist/client'),
  };
}
