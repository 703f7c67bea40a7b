import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CatalogueSchema, ProgrammeSchema, type Catalogue, type Programme } from '../schemas/reference.ts';

/**
 * A programme that exists only in the tests: four years (2030-2033) and its own small catalogue, so that tests
 * state that nothing assumes the six or seven years of the PCS 2020-2025 (extended through 2026). Its submission
 * kind is the yearly report with the full checklist, like the programme in force.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const FOUR_YEAR_CATALOGUE: Catalogue = CatalogueSchema.parse({
  libelle: "Catalogue d'essai (quatre ans)",
  axes: [
    { number: 1, title: 'Le droit au travail (essai)', objective: "Favoriser l'accès au travail" },
    { number: 3, title: 'Le droit à la santé (essai)', objective: "Favoriser l'accès à la santé" },
  ],
  thematiques: [
    { code: '1.1', title: 'Apprentissage de base (essai)', objective: null },
    { code: '1.3', title: "Aide à l'orientation (essai)", objective: null },
    { code: '3.3', title: 'Accompagnement (essai)', objective: null },
  ],
  actions: [
    {
      code: '1.1.05',
      intitule: 'Français langue étrangère (essai)',
      objectif: null,
      indicators: [{ category: 'realisation', label: 'Nombre d’apprenants', unit: 'count' }],
    },
    {
      code: '1.3.03',
      intitule: 'Accompagnement vers l’emploi (essai)',
      objectif: "Trouver le chemin vers l'emploi",
      indicators: [
        { category: 'realisation', label: 'Nombre de personnes accompagnées', unit: 'count' },
        { category: 'resultat', label: 'Nombre d’emplois trouvés', unit: 'count' },
      ],
    },
    {
      code: '3.3.02',
      intitule: 'Suivi thérapeutique (essai)',
      objectif: null,
      indicators: [{ category: 'realisation', label: 'Nombre de personnes suivies', unit: 'count' }],
    },
  ],
});

export const FOUR_YEAR_PROGRAMME: Programme = ProgrammeSchema.parse({
  id: 'pcs-essai-2030',
  label: "Programme d'essai de quatre ans",
  shortName: 'PCS essai',
  statut: 'publie',
  years: [2030, 2031, 2032, 2033],
  start: '2030-01-01',
  end: '2033-12-31',
  populationReferenceDate: '2028-01-01',
  catalogue: 'essai-4-ans',
  predecesseur: null,
  soumissions: [
    {
      id: 'rapport-annuel',
      label: "Rapport annuel d'activités et financier",
      periodicite: 'annuelle',
      echeance: { mois: 3, jour: 31, decalage: 1 },
      checklist: ['fiche-plan', 'actions', 'fiches', 'realises', 'budget', 'constats'],
    },
  ],
});

let written: string | null = null;

/**
 * A templates directory in a temporary folder: the real programmes and catalogues of `templates/` plus the four-year programme in
 * `programmes.json` and its catalogue in `catalogues/`, to be read by `loadReferenceData(dir)` as the server reads
 * its own. Written once per test file.
 */
export function templatesWithFourYearProgramme(): string {
  if (written) return written;
  const dir = mkdtempSync(join(tmpdir(), 'cohesio-templates-'));
  cpSync(join(ROOT, 'templates', 'catalogues'), join(dir, 'catalogues'), { recursive: true });
  const programmes = JSON.parse(readFileSync(join(ROOT, 'templates', 'programmes.json'), 'utf8')) as unknown[];
  writeFileSync(join(dir, 'programmes.json'), JSON.stringify([...programmes, FOUR_YEAR_PROGRAMME], null, 2));
  writeFileSync(join(dir, 'catalogues', `${FOUR_YEAR_PROGRAMME.catalogue}.json`), JSON.stringify(FOUR_YEAR_CATALOGUE, null, 2));
  written = dir;
  return dir;
}
