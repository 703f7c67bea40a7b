import { and, count, eq, inArray } from 'drizzle-orm';
import { actions, plans, programmes, submissions } from '../db/schema.ts';
import type { Db, DbOrTx } from '../db/open.ts';
import { nowOf, requireCatalogue, SYSTEM_ACTOR_NAME, type ServiceContext } from './context.ts';
import { loadReferenceData, type ReferenceData } from '../reference.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { readPlan } from './plan-store.ts';
import { ROLE_LABELS } from '../../schemas/access.ts';
import { flattenPlan, yearOfPath } from '../../schemas/audit.ts';
import type { ApiIssue } from '../../schemas/errors.ts';
import {
  CatalogueSchema,
  ProgrammeSchema,
  programmeSpan,
  resolveCatalogueEntry,
  type Catalogue,
  type CatalogueEntry,
  type Programme,
} from '../../schemas/reference.ts';
import type {
  CatalogueActionBody,
  CreateProgrammeBody,
  ProgrammeRecord,
  PublishProgrammeBody,
  ReplaceCatalogueBody,
  UpdateProgrammeBody,
} from '../../schemas/requests/programmes.ts';

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

// ——— An administrator's drafts ————————————————————————————————————————————————————————————————————————————————

type ProgrammeRow = typeof programmes.$inferSelect;

function requireProgrammeRow(db: DbOrTx, programmeId: string): ProgrammeRow {
  const row = db.select().from(programmes).where(eq(programmes.id, programmeId)).get();
  if (!row) throw new NotFoundError(`Programme inconnu : ${programmeId}`);
  return row;
}

function recordOf(db: DbOrTx, row: ProgrammeRow): ProgrammeRecord {
  const planCount = db.select({ n: count() }).from(plans).where(eq(plans.programmeId, row.id)).get()?.n ?? 0;
  return {
    programme: { ...ProgrammeSchema.parse(row.definition), statut: row.statut },
    catalogue: CatalogueSchema.parse(row.catalogue),
    version: row.version,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
    planCount,
  };
}

/** A programme with its catalogue, version and last change, as the programmes page edits it. */
export function getProgramme(ctx: ServiceContext & { programmeId: string }): ProgrammeRecord {
  return recordOf(ctx.db, requireProgrammeRow(ctx.db, ctx.programmeId));
}

/** « Nom (rôle) » of the person changing a programme, as the row keeps it (the audit trail only knows plans). */
function authorOf(ctx: ServiceContext): string {
  return ctx.actor ? `${ctx.actor.nom} (${ROLE_LABELS[ctx.actor.role]})` : SYSTEM_ACTOR_NAME;
}

/** A draft at the version the person last saw: 409 for a published programme (it no longer changes) or a stale version. */
function requireEditableDraft(db: DbOrTx, programmeId: string, version: number): ProgrammeRow {
  const row = requireProgrammeRow(db, programmeId);
  if (row.statut === 'publie') throw new ConflictError('Ce programme est publié : il ne change plus', recordOf(db, row));
  if (row.version !== version) {
    throw new ConflictError(`Le programme a été modifié entre-temps${row.updatedBy ? ` (par ${row.updatedBy})` : ''} : rechargez-le`, recordOf(db, row));
  }
  return row;
}

type DefinitionInput = Omit<UpdateProgrammeBody, 'version'>;

/**
 * The definition an administrator's fields give: consecutive years from the first (to the last, or so many of
 * them), start on 1 January of the first and end on 31 December of the last unless given. A failure of the
 * programme's rules is answered at the field of the form (`years` at `lastYear`).
 */
function definitionOf(input: DefinitionInput, fixed: Pick<Programme, 'id' | 'catalogue' | 'statut' | 'prolongation'>): Programme {
  const length = input.lastYear !== undefined ? input.lastYear - input.firstYear + 1 : (input.yearCount ?? 1);
  const years = Array.from({ length }, (_, i) => input.firstYear + i);
  const last = years[years.length - 1]!;
  const candidate = {
    id: fixed.id,
    label: input.label,
    shortName: input.shortName,
    statut: fixed.statut,
    years,
    start: input.start ?? `${input.firstYear}-01-01`,
    end: input.end ?? `${last}-12-31`,
    populationReferenceDate: input.populationReferenceDate,
    ...(fixed.prolongation ? { prolongation: fixed.prolongation } : {}),
    catalogue: fixed.catalogue,
    predecesseur: input.predecesseur,
    soumissions: input.soumissions,
  };
  const parsed = ProgrammeSchema.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ ...i, path: i.path[0] === 'years' ? ['lastYear', ...i.path.slice(1)] : i.path }));
    throw ValidationError.fromZod({ issues });
  }
  return parsed.data;
}

function requirePredecessor(ctx: ServiceContext, id: string, predecesseur: string | null): void {
  if (predecesseur === null) return;
  const message = predecesseur === id ? 'Un programme ne peut pas se précéder lui-même' : `Programme précédent inconnu : ${predecesseur}`;
  if (predecesseur === id || !ctx.reference.programmes.some((p) => p.id === predecesseur)) {
    throw new ValidationError(message, [{ path: 'predecesseur', message }]);
  }
}

/**
 * What a catalogue must be besides its schema: one entry per action code, each action under an axe and a
 * thématique the catalogue declares. Issues at `actions.<i>.code`.
 */
export function catalogueIssues(catalogue: Catalogue): ApiIssue[] {
  const issues: ApiIssue[] = [];
  const seen = new Set<string>();
  catalogue.actions.forEach((a, i) => {
    const path = `actions.${i}.code`;
    const [axe, them] = a.code.split('.');
    if (seen.has(a.code)) issues.push({ path, message: `Le code ${a.code} figure deux fois dans le catalogue` });
    else if (!catalogue.axes.some((x) => String(x.number) === axe))
      issues.push({ path, message: `L’axe ${axe} de l’action ${a.code} n’existe pas dans le catalogue` });
    else if (!catalogue.thematiques.some((t) => t.code === `${axe}.${them}`)) {
      issues.push({ path, message: `La thématique ${axe}.${them} de l’action ${a.code} n’existe pas dans le catalogue` });
    }
    seen.add(a.code);
  });
  return issues;
}

function throwIssues(issues: ApiIssue[]): void {
  const first = issues[0];
  if (!first) return;
  const more = issues.length > 1 ? ` — et ${issues.length - 1} autre(s) problème(s)` : '';
  throw new ValidationError(`${first.path} : ${first.message}${more}`, issues);
}

/**
 * The values plans of the programme hold in `years` (cells, commission dates, budget versions, imputations…) and
 * their submissions of those years: what removing the years from the programme would orphan.
 */
function countValuesIn(db: DbOrTx, programmeId: string, years: number[]): { values: number; plans: number } {
  if (!years.length) return { values: 0, plans: 0 };
  let values = 0;
  let holding = 0;
  for (const { id } of db.select({ id: plans.id }).from(plans).where(eq(plans.programmeId, programmeId)).all()) {
    let n = 0;
    for (const path of flattenPlan(readPlan(db, id)).keys()) if (yearOfPath(path, years) !== null) n += 1;
    n +=
      db
        .select({ n: count() })
        .from(submissions)
        .where(and(eq(submissions.planId, id), inArray(submissions.annee, years)))
        .get()?.n ?? 0;
    values += n;
    if (n) holding += 1;
  }
  return { values, plans: holding };
}

/** `2031`, `2031 et 2032`, `2030, 2031 et 2032`. */
function listYears(years: number[]): string {
  return years.length > 1 ? `${years.slice(0, -1).join(', ')} et ${years[years.length - 1]}` : String(years[0]);
}

/** A new draft programme, its catalogue a copy of another programme's (409 when the id is taken). */
export function createProgramme(ctx: ServiceContext & { input: CreateProgrammeBody }): ProgrammeRecord {
  const { db, input } = ctx;
  const { id, catalogueDe, ...fields } = input;
  // The draft's catalogue takes the programme's id: it must name no other programme's catalogue either.
  if (db.select({ id: programmes.id }).from(programmes).where(eq(programmes.id, id)).get() || ctx.reference.programmes.some((p) => p.catalogue === id)) {
    throw new ConflictError(`Un programme « ${id} » existe déjà`, null, [{ path: 'id', message: 'Identifiant déjà utilisé' }]);
  }
  const source = ctx.reference.programmes.find((p) => p.id === catalogueDe);
  if (!source) {
    const message = `Programme inconnu : ${catalogueDe}`;
    throw new ValidationError(message, [{ path: 'catalogueDe', message }]);
  }
  requirePredecessor(ctx, id, fields.predecesseur);
  const definition = definitionOf(fields, { id, catalogue: id, statut: 'brouillon', prolongation: undefined });
  const catalogue: Catalogue = { ...structuredClone(requireCatalogue(ctx, catalogueDe)), libelle: `Catalogue de ${definition.label} (projet)` };
  db.insert(programmes)
    .values({ id, statut: 'brouillon', definition, catalogue, updatedAt: nowOf(ctx), updatedBy: authorOf(ctx), version: 1 })
    .run();
  refreshReference(ctx.reference, ctx.db);
  return getProgramme({ ...ctx, programmeId: id });
}

/**
 * A draft's new definition. Removing years in which its plans hold values is refused (409 naming how many): the
 * values would stay stored but out of every screen and report.
 */
export function updateProgramme(ctx: ServiceContext & { programmeId: string; input: UpdateProgrammeBody }): ProgrammeRecord {
  const { db, programmeId, input } = ctx;
  const { version, ...fields } = input;
  db.transaction((tx) => {
    const row = requireEditableDraft(tx, programmeId, version);
    const before = ProgrammeSchema.parse(row.definition);
    requirePredecessor(ctx, programmeId, fields.predecesseur);
    const definition = definitionOf(fields, before);
    const removed = before.years.filter((y) => !definition.years.includes(y));
    const held = countValuesIn(tx, programmeId, removed);
    if (held.values) {
      const message =
        `Impossible de retirer ${removed.length > 1 ? 'les années' : 'l’année'} ${listYears(removed)} du programme (${programmeSpan(definition)}) : ` +
        `${held.values} valeur(s) y sont enregistrées dans ${held.plans} plan(s)`;
      throw new ConflictError(message, recordOf(tx, row), [{ path: 'lastYear', message }]);
    }
    tx.update(programmes)
      .set({ definition, updatedAt: nowOf(ctx), updatedBy: authorOf(ctx), version: row.version + 1 })
      .where(eq(programmes.id, programmeId))
      .run();
  });
  refreshReference(ctx.reference, ctx.db);
  return getProgramme(ctx);
}

/** How many actions of the programme's plans use each of `codes` (an action the catalogue loses would lose its fiche header). */
function countActionsUsing(db: DbOrTx, programmeId: string, codes: string[]): { code: string; n: number }[] {
  if (!codes.length) return [];
  return db
    .select({ code: actions.code, n: count() })
    .from(actions)
    .innerJoin(plans, eq(plans.id, actions.planId))
    .where(and(eq(plans.programmeId, programmeId), inArray(actions.code, codes)))
    .groupBy(actions.code)
    .all();
}

/**
 * Replaces a draft's catalogue (validated by its schema, then one entry per code under a declared axe and
 * thématique). Removing an action that plans of the programme have chosen is refused (409 naming it and how many).
 */
export function replaceCatalogue(ctx: ServiceContext & { programmeId: string; input: ReplaceCatalogueBody }): ProgrammeRecord {
  const { db, programmeId, input } = ctx;
  const { version, ...catalogue } = input;
  db.transaction((tx) => {
    const row = requireEditableDraft(tx, programmeId, version);
    throwIssues(catalogueIssues(catalogue));
    const kept = new Set(catalogue.actions.map((a) => a.code));
    const removed = CatalogueSchema.parse(row.catalogue)
      .actions.filter((a) => !kept.has(a.code))
      .map((a) => a.code);
    const used = countActionsUsing(tx, programmeId, removed);
    if (used.length) {
      const message = `Impossible de retirer du catalogue ${used.map((u) => `l’action ${u.code} (choisie ${u.n} fois dans les plans du programme)`).join(', ')}`;
      throw new ConflictError(message, recordOf(tx, row), [{ path: 'actions', message }]);
    }
    tx.update(programmes)
      .set({ catalogue, updatedAt: nowOf(ctx), updatedBy: authorOf(ctx), version: row.version + 1 })
      .where(eq(programmes.id, programmeId))
      .run();
  });
  refreshReference(ctx.reference, ctx.db);
  return getProgramme(ctx);
}

/**
 * Publishes a draft: from then on its definition no longer changes. Refused (400) when its definition or
 * catalogue does not hold, or its catalogue has no action.
 */
export function publishProgramme(ctx: ServiceContext & { programmeId: string; input: PublishProgrammeBody }): ProgrammeRecord {
  const { db, programmeId, input } = ctx;
  db.transaction((tx) => {
    const row = requireEditableDraft(tx, programmeId, input.version);
    const definition = ProgrammeSchema.safeParse({ ...(row.definition as object), statut: 'publie' });
    if (!definition.success) throw ValidationError.fromZod(definition.error);
    const catalogue = CatalogueSchema.parse(row.catalogue);
    const issues = catalogueIssues(catalogue);
    if (!catalogue.actions.length) issues.push({ path: 'actions', message: 'Le catalogue ne compte aucune action : ajoutez-en avant de publier' });
    throwIssues(issues);
    requirePredecessor(ctx, programmeId, definition.data.predecesseur);
    tx.update(programmes)
      .set({ statut: 'publie', definition: definition.data, updatedAt: nowOf(ctx), updatedBy: authorOf(ctx), version: row.version + 1 })
      .where(eq(programmes.id, programmeId))
      .run();
  });
  refreshReference(ctx.reference, ctx.db);
  return getProgramme(ctx);
}

/** Adds an action to a draft's catalogue, or changes the one of that code (kept in code order). */
export function putCatalogueAction(ctx: ServiceContext & { programmeId: string; code: string; input: CatalogueActionBody }): ProgrammeRecord {
  const { version, ...fields } = ctx.input;
  const catalogue = CatalogueSchema.parse(requireProgrammeRow(ctx.db, ctx.programmeId).catalogue);
  const stored = catalogue.actions.find((a) => a.code === ctx.code);
  const action = { ...fields, code: ctx.code, indicators: fields.indicators ?? stored?.indicators ?? [] };
  const others = catalogue.actions.filter((a) => a.code !== ctx.code);
  const next = [...others, action].sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }));
  return replaceCatalogue({ ...ctx, input: { ...catalogue, actions: next, version } });
}

/** Removes an action from a draft's catalogue (404 when it has none of that code; 409 when plans use it). */
export function deleteCatalogueAction(ctx: ServiceContext & { programmeId: string; code: string; version: number }): ProgrammeRecord {
  const catalogue = CatalogueSchema.parse(requireProgrammeRow(ctx.db, ctx.programmeId).catalogue);
  if (!catalogue.actions.some((a) => a.code === ctx.code)) throw new NotFoundError(`Action inconnue du catalogue : ${ctx.code}`);
  return replaceCatalogue({ ...ctx, input: { ...catalogue, actions: catalogue.actions.filter((a) => a.code !== ctx.code), version: ctx.version } });
}
