import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanDocumentInput } from '../schemas/plan.ts';

/**
 * Reads a sample plan from `samples/<name>/`: `plan.json` holds the fiche plan, `actions/*.json` one fiche action
 * each, in list order (file names sort in the order of the "Liste des actions"). Returns the raw document; callers
 * validate it with `PlanDocumentSchema`.
 */
export const SAMPLES_DIR = dirname(fileURLToPath(import.meta.url));
export const LIEGE_SAMPLE = 'liege-2020-2025';

export function readSampleDocument(name: string = LIEGE_SAMPLE): PlanDocumentInput {
  const dir = join(SAMPLES_DIR, name);
  const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as PlanDocumentInput;
  const actionFiles = readdirSync(join(dir, 'actions'))
    .filter((f) => f.endsWith('.json'))
    .sort();
  const actions = actionFiles.map((f) => JSON.parse(readFileSync(join(dir, 'actions', f), 'utf8')));
  return { ...plan, actions };
}
