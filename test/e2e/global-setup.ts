import { build } from 'vite';

/** Browser tests run against the real client build: build it once before the test files run. */
export default async function setup(): Promise<void> {
  await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
