import { eq } from 'drizzle-orm';
import { programmes } from '../db/schema.ts';
import type { Db } from '../db/open.ts';
import type { ServiceContext } from './context.ts';
import { requireCatalogue } from './context.ts';
import { loadReferenceData, type ReferenceData } from '../reference.ts';
import { CatalogueSchema, ProgrammeSchema, resolveCatalogueEntry, type Catalogue, type CatalogueEntry, type Programme } from '../../schemas/reference.ts';

/**
 * Brings the database's programmes in line with `templates/`: a published programme of the templates is written
 * over the stored one (the templates are the official text: the 2026 extension reaches every existing plan this
 * way), a draft of the templates is added only when absent (an administrator's edits are kept), and a programme
 * the templates no longer ship stays as stored (its plans still need it).
 */
export function syncProgrammes(db: Db, templates: ReferenceData, now: string): void {
  db.transaction((tx) => {
    for (const p of templates.programmes) {
      const catalogue = templates.catalogues[p.catalogue]!;
      const stored = tx.select({ statut: programmes.statut, version: programmes.version }).from(programmes).where(eq(programmes.id, p.id)).get();
      if (!stored) {
        tx.insert(programmes).values({ id: p.id, statut: p.statut, definition: p, catalogue, updatedAt: now }).run();
      } else if (p.statut === 'publie') {
        tx.update(programmes)
          .set({ statut: 'publie', definition: p, catalogue, updatedAt: now, version: stored.version + 1 })
          .where(eq(programmes.id, p.id))
          .run();
      }
    }
  });
}

/** The programmes as stored, each with its catalogue (a stored row that no longer validates stops the start, naming it). */
export function readProgrammes(db: Db): ReferenceData {
  const result: ReferenceData = { programmes: [], catalogues: {} };
  for (const row of db.select().from(programmes).orderBy(programmes.id).all()) {
    const definition = ProgrammeSchema.safeParse(row.definition);
    const catalogue = CatalogueSchema.safeParse(row.catalogue);
    if (!definition.success || !catalogue.success) throw new Error(`Programme « ${row.id} » illisible dans la base`);
    const programme: Programme = { ...definition.data, statut: row.statut };
    result.programmes.push(programme);
    result.catalogues[programme.catalogue] = catalogue.data satisfies Catalogue;
  }
  result.programmes.sort((a, b) => a.years[0]! - b.years[0]! || a.id.localeCompare(b.id));
  return result;
}

/**
 * The reference data every service shares, from the database after bringing it in line with the templates
 * (`npm start`, the command line, the tests).
 */
export function loadReference(db: Db, templates: ReferenceData = loadReferenceData(), now = new Date().toISOString()): ReferenceData {
  syncProgrammes(db, templates, now);
  return readProgrammes(db);
}

/** Replaces the shared reference data's content in place after a change, so every service sees it at once. */
export function refreshReference(reference: ReferenceData, db: Db): void {
  const fresh = readProgrammes(db);
  reference.programmes = fresh.programmes;
  reference.catalogues = fresh.catalogues;
}

/** Every programme, oldest first. */
export function listProgrammes(ctx: ServiceContext): Programme[] {
  return ctx.reference.programmes;
}

/** A programme's catalogue, each action with its thématique and axe resolved (as the fiche header prints them). */
export function getCatalogue(ctx: ServiceContext & { programmeId: string }): Omit<Catalogue, 'actions'> & { actions: CatalogueEntry[] } {
  const catalogue = requireCatalogue(ctx, ctx.programmeId);
  return { ...catalogue, actions: catalogue.actions.map((a) => resolveCatalogueEntry(catalogue, a.code)!) };
}
