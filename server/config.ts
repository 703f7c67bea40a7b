import { z } from 'zod';
import { join, resolve } from 'node:path';
import type { SmtpSettings } from './services/mail.ts';
import { PDF_POOL_DEFAULTS, type PdfPoolOptions } from './workers/pdf-pool.ts';

const optionalText = z.string().trim().min(1).max(500).optional();

/** Runtime configuration, parsed once from the environment by `server/main.ts`. */
export const ConfigSchema = z.object({
  /** `production`: no sample plan and no demo account, ever; Secure session cookie. Anything else: demonstration mode. */
  NODE_ENV: z.string().optional(),
  /** 0: any free port (the address is printed at start). */
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('localhost'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Load the Liège sample and the demo accounts when the database holds no plan (default on, except in production). */
  LOAD_SAMPLE: z.enum(['true', 'false']).optional(),
  /** Handsontable licence key; the evaluation key is for development and evaluation only (see README). */
  HANDSONTABLE_LICENSE_KEY: z.string().trim().min(1).max(200).default('non-commercial-and-evaluation'),
  /** SMTP server: a URL (`smtp://user:password@host:587`, `smtps://…:465`), or host, port and credentials. None: e-mails stay in the outbox. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'URL smtp:// ou smtps:// attendue' }).optional(),
  SMTP_HOST: optionalText,
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. Default: true on port 465. */
  SMTP_SECURE: z.enum(['true', 'false']).optional(),
  SMTP_USER: optionalText,
  SMTP_PASSWORD: z.string().max(500).optional(),
  /** The sender of the application's e-mails. */
  SMTP_FROM: z.string().trim().min(3).max(300).default('Cohésio <cohesio@localhost>'),
  /** The address people open Cohésio at, for the links of the e-mails (default http://HOST:PORT). */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'URL http:// ou https:// attendue' }).optional(),
  /** Minutes between two runs of the reminders (also run at start); 0: only at start and by `npm run reminders`. */
  REMINDER_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  /** PDF render threads at once (server/workers/pdf-pool.ts). */
  PDF_WORKERS: z.coerce.number().int().min(1).max(16).default(PDF_POOL_DEFAULTS.maxWorkers),
  /** PDF renders that may wait for a thread; one more is answered 503 with Retry-After. */
  PDF_QUEUE_MAX: z.coerce.number().int().min(0).max(1000).default(PDF_POOL_DEFAULTS.maxQueue),
  /** Longest PDF render before its thread is terminated. */
  PDF_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(3600)
    .default(PDF_POOL_DEFAULTS.timeoutMs / 1000),
  /** V8 heap of each PDF thread, in Mo: the Liège plan fails at 64, renders at 96 (slowly: the collector works hard) and at 128. */
  PDF_WORKER_MEMORY_MB: z.coerce.number().int().min(128).max(16_384).default(PDF_POOL_DEFAULTS.workerMemoryMb),
  /** An idle PDF thread ends after this many seconds (0: never). */
  PDF_IDLE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(PDF_POOL_DEFAULTS.idleTimeoutMs / 1000),
  /** A PDF thread ends after this many renders (0: never). */
  PDF_RENDERS_PER_WORKER: z.coerce.number().int().min(0).max(100_000).default(PDF_POOL_DEFAULTS.maxRendersPerWorker),
});

export type Config = {
  /** NODE_ENV=production: never the sample nor the demo accounts; Secure session cookie. */
  production: boolean;
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  loadSample: boolean;
  handsontableLicenseKey: string;
  clientDir: string;
  /** Null: no SMTP server, e-mails are kept in the outbox for the administrator. */
  smtp: SmtpSettings | null;
  mailFrom: string;
  publicUrl: string;
  /** PUBLIC_URL is https: Strict-Transport-Security is sent. */
  https: boolean;
  /** The session cookie is marked Secure (production or https PUBLIC_URL). */
  secureCookies: boolean;
  reminderIntervalMinutes: number;
  /** The PDF renderers: threads, waiting line, time and memory per render, idle end. */
  pdf: Required<Omit<PdfPoolOptions, 'workerUrl'>>;
};

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const r = ConfigSchema.safeParse(env);
  const issues = r.success ? productionIssues(r.data) : r.error.issues;
  if (!r.success || issues.length) {
    const lines = issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Configuration invalide :\n${lines}`);
  }
  const dataDir = resolve(r.data.DATA_DIR);
  const production = r.data.NODE_ENV === 'production';
  const https = r.data.PUBLIC_URL?.startsWith('https:') ?? false;
  return {
    production,
    port: r.data.PORT,
    host: r.data.HOST,
    dataDir,
    databaseFile: join(dataDir, 'cohesio.sqlite'),
    loadSample: !production && r.data.LOAD_SAMPLE !== 'false',
    handsontableLicenseKey: r.data.HANDSONTABLE_LICENSE_KEY,
    clientDir: resolve('dist/client'),
    smtp: smtpOf(r.data),
    mailFrom: r.data.SMTP_FROM,
    publicUrl: (r.data.PUBLIC_URL ?? `http://${r.data.HOST}:${r.data.PORT}`).replace(/\/+$/, ''),
    https,
    secureCookies: production || https,
    reminderIntervalMinutes: r.data.REMINDER_INTERVAL_MINUTES,
    pdf: {
      ...PDF_POOL_DEFAULTS,
      maxWorkers: r.data.PDF_WORKERS,
      maxQueue: r.data.PDF_QUEUE_MAX,
      timeoutMs: r.data.PDF_TIMEOUT_SECONDS * 1000,
      workerMemoryMb: r.data.PDF_WORKER_MEMORY_MB,
      idleTimeoutMs: r.data.PDF_IDLE_SECONDS * 1000,
      maxRendersPerWorker: r.data.PDF_RENDERS_PER_WORKER,
    },
  };
}

function smtpOf(env: z.infer<typeof ConfigSchema>): SmtpSettings | null {
  if (env.SMTP_URL) return { url: env.SMTP_URL };
  if (!env.SMTP_HOST) return null;
  const secure = env.SMTP_SECURE ? env.SMTP_SECURE === 'true' : env.SMTP_PORT === 465;
  return { host: env.SMTP_HOST, port: env.SMTP_PORT, secure, user: env.SMTP_USER ?? null, password: env.SMTP_PASSWORD ?? null };
}

/** Settings production refuses: the sample and the demo accounts (published password) never reach a real database. */
function productionIssues(env: z.infer<typeof ConfigSchema>): { path: string[]; message: string }[] {
  if (env.NODE_ENV !== 'production' || env.LOAD_SAMPLE !== 'true') return [];
  return [
    {
      path: ['LOAD_SAMPLE'],
      message:
        'refusé en production (NODE_ENV=production) : le plan exemple et les comptes de démonstration, au mot de passe publié, n’y sont jamais créés. Retirez LOAD_SAMPLE.',
    },
  ];
}
