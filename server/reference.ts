import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CatalogueSchema, ProgrammesSchema, type Catalogue, type Programme } from '../schemas/reference.ts';

export type ReferenceData = { programmes: Programme[]; catalogue: Catalogue };

const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates');

/** Reads and validates `templates/programmes.json` and `templates/catalogue.json`; fails fast when invalid. */
export function loadReferenceData(dir: string = TEMPLATES_DIR): ReferenceData {
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
  const programmes = ProgrammesSchema.parse(read('programmes.json'));
  const catalogue = CatalogueSchema.parse(read('catalogue.json'));
  return { programmes, catalogue };
}
