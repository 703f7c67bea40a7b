import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CatalogueSchema, ProgrammesSchema, type Catalogue, type Programme } from '../schemas/reference.ts';

/**
 * The programmes and their catalogues. The services share one object: an administrator's change to a draft
 * programme replaces its entries in place (services/programmes.ts), so every request sees it at once.
 */
export type ReferenceData = { programmes: Programme[]; catalogues: Record<string, Catalogue> };

const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates');

/** A French message naming the file and the field a template breaks. */
function templateError(file: string, error: unknown): Error {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  const detail = issues?.length ? issues.map((i) => `${i.path.map(String).join('.') || '(racine)'} : ${i.message}`).join(' ; ') : String(error);
  return new Error(`templates/${file} invalide — ${detail}`);
}

/**
 * Reads and validates `templates/programmes.json` and `templates/catalogues/<id>.json`; fails fast, naming the file
 * and the field, when one is invalid or a programme names a catalogue that does not exist.
 */
export function loadReferenceData(dir: string = TEMPLATES_DIR): ReferenceData {
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
  let programmes: Programme[];
  try {
    programmes = ProgrammesSchema.parse(read('programmes.json'));
  } catch (error) {
    throw templateError('programmes.json', error);
  }
  const catalogues: Record<string, Catalogue> = {};
  for (const file of readdirSync(join(dir, 'catalogues')).filter((f) => f.endsWith('.json'))) {
    try {
      catalogues[file.replace(/\.json$/, '')] = CatalogueSchema.parse(read(join('catalogues', file)));
    } catch (error) {
      throw templateError(`catalogues/${file}`, error);
    }
  }
  for (const p of programmes) {
    if (!catalogues[p.catalogue])
      throw new Error(`templates/programmes.json invalide — ${p.id}.catalogue : catalogue inconnu « ${p.catalogue} » (templates/catalogues/)`);
  }
  return { programmes, catalogues };
}

/** The catalogue of eligible actions of a programme. */
export function catalogueOf(reference: ReferenceData, programme: Pick<Programme, 'catalogue'>): Catalogue {
  const catalogue = reference.catalogues[programme.catalogue];
  if (!catalogue) throw new Error(`Catalogue inconnu : ${programme.catalogue}`);
  return catalogue;
}
