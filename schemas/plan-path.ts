import type { Action } from './action.ts';
import type { PlanDocument } from './plan.ts';
import { RECETTES_LINES, DEPENSES_LINES } from './budget.ts';
import { TIME_CATEGORIES } from './enums.ts';

/**
 * Plan paths: built, parsed, validated and labelled here, once. A path names one value of a plan document with dots:
 * `actions.<id>.indicators.<id>.values.<année>.actual`. Rows of lists are named by their id in the audit trail
 * (`flattenPlan`), by their position in findings and API issues (`actions.3.indicators.2…`), by `#<id>` in the
 * stable keys of findings; `parsePath` reads all three. People never read a path or an id: `labelPath` names it
 * « Fiche 1.3.03 · indicateur 2 « Nombre de personnes » · Réalisé <année> », and a row deleted since keeps a label
 * (the one stored when the change was recorded, or a generic one), never an id. No other module splits, joins or
 * tests the prefix of a path by hand.
 */

/** The separator of the parts of a label. */
export const LABEL_SEPARATOR = ' · ';

export * from './plan-path-syntax.ts';
import { buildPath, extendPath, isPathWithin, JUSTIFICATION_KEY_SEPARATOR, justificationPathKey, SEPARATOR, splitPath } from './plan-path-syntax.ts';

// ——— The values of a plan ———————————————————————————————————————————————————————————————————————————————————————

export type FlatValue = string | number | boolean | null;
export type FlatPlan = Map<string, FlatValue>;

/** Bookkeeping that is not data: versions of rows and cells, timestamps, the links to the plans before and after. */
const SKIPPED_KEYS = new Set(['id', 'version', 'targetVersion', 'actualVersion', 'versions', 'cellVersions', 'createdAt', 'updatedAt', 'lineage']);

/** The key of a row of a list: its id, a justification's finding key; budget versions and imputations under their year. */
function rowKeyOf(list: string, row: Record<string, unknown>, index: number): string {
  if (list === 'justifications' && typeof row.cle === 'string') return justificationPathKey(row.cle);
  const id = typeof row.id === 'string' ? row.id : String(index);
  if ((list === 'budgetsAnnuels' || list === 'imputations') && typeof row.annee === 'number') return buildPath(row.annee, id);
  return id;
}

function flattenInto(out: FlatPlan, prefix: string, value: unknown, list: string): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object') {
    out.set(prefix, value as FlatValue);
    return;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) {
      // A multiple choice or a list of e-mails: one value.
      out.set(prefix, value.length ? JSON.stringify(value) : null);
      return;
    }
    value.forEach((row, i) => flattenInto(out, buildPath(prefix, rowKeyOf(list, row as Record<string, unknown>, i)), row, list));
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (SKIPPED_KEYS.has(k)) continue;
    flattenInto(out, extendPath(prefix, k), v, prefix ? list : k);
  }
}

/**
 * Every value of a plan document by path, rows named by id (the audit trail's paths); an empty value is `null`
 * (blank is not zero) and left out.
 */
export function flattenPlan(doc: Partial<PlanDocument>): FlatPlan {
  const out: FlatPlan = new Map();
  for (const [k, v] of Object.entries(doc)) {
    if (SKIPPED_KEYS.has(k) || k === 'programmeId') continue;
    flattenInto(out, k, v, k);
  }
  for (const [k, v] of out) if (v === null || v === '') out.delete(k);
  return out;
}

// ——— Validating ——————————————————————————————————————————————————————————————————————————————————————————————————

/** Sections whose values may be blank and still be named: a time share, an E-compte year, a transfer, a budget line. */
const BLANK_VALUE_SECTIONS = new Set(['repartitionTemps', 'consommation', 'transferts', 'budget']);

export type PathValidation = { ok: true } | { ok: false; reason: string };

/**
 * Whether `path` names a value of this plan, as the audit trail names it (rows by id, not by position): one the
 * plan holds or a part of one, or a blank cell of an indicator, the time shares, E-compte, a transfer or the budget.
 * When not, a French reason says why (a fiche or an indicator deleted since, a part of no plan).
 */
export function validatePath(plan: Pick<PlanDocument, 'actions'> & Partial<PlanDocument>, path: string): PathValidation {
  if (path === '') return { ok: false, reason: 'Le chemin est vide' };
  const parts = splitPath(path);
  for (const key of flattenPlan(plan).keys()) if (isPathWithin(key, path)) return { ok: true };
  const [head, actionId, part, indicatorId, values, period] = parts;
  if (head === 'actions') {
    const action = plan.actions.find((a) => a.id === actionId);
    if (!action) return { ok: false, reason: "La fiche action n'existe pas dans ce plan (supprimée depuis ?)" };
    if (part === undefined || part === 'fiche') return { ok: true };
    if (part !== 'indicators') return { ok: false, reason: `La fiche action n'a pas de valeur « ${buildPath(...parts.slice(2))} »` };
    if (!action.indicators.some((i) => i.id === indicatorId)) return { ok: false, reason: "L'indicateur n'existe pas dans cette fiche (supprimé depuis ?)" };
    if (values === undefined || (values === 'values' && !!period)) return { ok: true };
    return { ok: false, reason: `L'indicateur n'a pas de valeur « ${buildPath(...parts.slice(4))} »` };
  }
  if (BLANK_VALUE_SECTIONS.has(head!)) return { ok: true };
  return { ok: false, reason: "Cette valeur n'existe pas dans ce plan (supprimée depuis ?)" };
}

/** Whether `path` names a value of this plan (see `validatePath`). */
export const isPlanPath = (plan: Pick<PlanDocument, 'actions'> & Partial<PlanDocument>, path: string): boolean => validatePath(plan, path).ok;

// ——— Parsing ————————————————————————————————————————————————————————————————————————————————————————————————————

type Row = Record<string, unknown> & { id?: unknown };

/** One part of a path, resolved against a plan: a field, or a row of a list (null when it no longer exists). */
export type PathStep = { kind: 'field'; key: string } | { kind: 'row'; list: string; key: string; row: Row | null; index: number | null; year?: number };

export type ParsedPath = { parts: string[]; steps: PathStep[] };

const YEAR_KEYED_LISTS = new Set(['budgetsAnnuels', 'imputations']);

/**
 * Row positions by id, per list: labelling every value of a 5 000-line import must not scan the list each time.
 * A list changed in place (the interface's store) is detected by checking the hit, and indexed again.
 */
const ROW_INDEX = new WeakMap<readonly unknown[], Map<unknown, number>>();

function indexOfId(list: readonly unknown[], id: string): number {
  const idOf = (r: unknown) => (r !== null && typeof r === 'object' ? (r as Row).id : undefined);
  const cached = ROW_INDEX.get(list)?.get(id);
  if (cached !== undefined && idOf(list[cached]) === id) return cached;
  const index = new Map<unknown, number>();
  list.forEach((r, i) => index.set(idOf(r), i));
  ROW_INDEX.set(list, index);
  return index.get(id) ?? -1;
}

/** Finds the row a path part names: by id (`abc`, `#abc`), else by position (`3`). */
function findRow(list: readonly unknown[], part: string): { row: Row | null; index: number | null } {
  const id = part.startsWith('#') ? part.slice(1) : part;
  const byId = indexOfId(list, id);
  if (byId >= 0) return { row: list[byId] as Row, index: byId };
  if (/^\d+$/.test(part) && Number(part) < list.length && typeof list[Number(part)] === 'object') {
    const row = list[Number(part)] as Row;
    // A position only when the row has no id of its own (a position of a row with an id: document paths).
    return { row, index: Number(part) };
  }
  return { row: null, index: null };
}

/**
 * The steps of a path through a plan: each list part becomes the row it names (or `row: null` for a row deleted
 * since). Budget versions and imputations are keyed `<année>.<id>` in the audit trail.
 */
export function parsePath(plan: Partial<PlanDocument>, path: string): ParsedPath {
  const parts = splitPath(path);
  const steps: PathStep[] = [];
  let node: unknown = plan;
  let list = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (Array.isArray(node) && node.some((r) => r !== null && typeof r === 'object')) {
      let year: number | undefined;
      let key = part;
      const next = parts[i + 1];
      // `<année>.<id>` in the audit trail (also for a row deleted since), `<position>.<champ>` elsewhere.
      if (YEAR_KEYED_LISTS.has(list) && /^\d{4}$/.test(part) && next !== undefined && (indexOfId(node, next) >= 0 || !(next in FIELD_LABELS))) {
        year = Number(part);
        key = parts[++i]!;
      }
      const { row, index } = list === 'justifications' ? findJustification(node, key) : findRow(node, key);
      steps.push({ kind: 'row', list, key, row, index, ...(year !== undefined ? { year } : {}) });
      node = row;
      continue;
    }
    steps.push({ kind: 'field', key: part });
    list = part;
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  return { parts, steps };
}

/** A justification row by its finding key (`·` in the path for the key's dots). */
function findJustification(list: readonly unknown[], part: string): { row: Row | null; index: number | null } {
  const cle = part.replaceAll(JUSTIFICATION_KEY_SEPARATOR, SEPARATOR);
  const index = list.findIndex((r) => (r as { cle?: unknown }).cle === cle);
  return index >= 0 ? { row: list[index] as Row, index } : findRow(list, part);
}

// ——— Labels ——————————————————————————————————————————————————————————————————————————————————————————————————————

const SECTION_LABELS: Record<string, string> = {
  commune: 'Commune',
  porteur: 'Porteur du projet',
  identite: 'Identité',
  equipe: 'Équipe',
  chefDeProjet: 'Chef de projet',
  equipeMembres: "Membres de l'équipe",
  serviceCitoyen: 'Service citoyen',
  budget: 'Budget',
  transferts: 'Transferts par partenaire',
  consommation: 'Consommation réelle (E-compte)',
  isadf: 'Radar ISADF',
  indicateursPlan: 'Indicateurs du plan',
  textes: 'Textes du plan',
  repartitionTemps: "Répartition de l'activité du chef de projet",
  formations: 'Formations',
  commissions: 'Commissions',
  reunionsOrganisees: 'Réunions organisées',
  reunionsInvite: 'Réunions où le PCS est invité',
  communication: 'Communication',
  partenaires: 'Partenaires',
  budgetsAnnuels: 'Budget annuel',
  imputations: 'Imputation E-compte',
  justifications: 'Justification',
  actions: 'Fiches action',
  finance: 'Rapprochement financier',
};

/** French names of the fields people edit, by field name (the names are unambiguous across the plan). */
const FIELD_LABELS: Record<string, string> = {
  // Fiche action and its list row.
  code: 'Code',
  statut: 'Statut',
  droitVise: 'Droit visé',
  priorite: 'Priorité',
  problemesBesoins: 'Problèmes / besoins',
  degreImplication: "Degré d'implication de l'équipe PCS",
  conventionPartenariat: 'Convention de partenariat',
  art20: 'Art.20',
  existeDeja: "L'action existe déjà",
  cadreExistant: 'Cadre existant',
  plusValue: 'Plus-value',
  participationCitoyenne: 'Participation citoyenne',
  participationDemarche: 'Démarche de participation',
  participationDemarchePrecision: 'Démarche de participation (précision)',
  solidarite: 'Solidarité / coresponsabilité',
  gratuite: 'Gratuité',
  gratuiteCommentaire: 'Gratuité (commentaire)',
  luttePauvreteDirecte: 'Lutte directe contre la pauvreté',
  luttePauvreteJustification: 'Lutte contre la pauvreté (justification)',
  operateur: 'Opérateur',
  equipePcs: "L'équipe PCS met en œuvre l'action",
  organisme: 'Association / organisme',
  personneContact: 'Personne de contact',
  coordonnees: 'Coordonnées',
  transferId: 'Transfert financier',
  autresPartenaires: 'Autre partenaire',
  contribution: 'Contribution',
  communication: 'Communication',
  modes: 'Modes',
  autre: 'Autre',
  publics: 'Public',
  dimension: 'En termes de',
  valeur: 'Valeur',
  typeAction: "Type d'action",
  description: 'Description',
  moyensLogistiques: 'Moyens logistiques',
  commentairesEcarts: 'Commentaires sur les écarts',
  supracommunal: 'Supracommunal',
  active: 'Action supracommunale',
  communes: 'Communes',
  justificationModifications: 'Justification des modifications',
  valeursDeReference: 'Valeurs de référence',
  indicatorId: 'Indicateur',
  calendrier: 'Calendrier',
  frequence: 'Fréquence',
  frequenceAutre: 'Fréquence (autre)',
  surLaDureeDuPlan: 'Sur la durée du plan',
  debut: 'Début',
  fin: 'Fin',
  // Indicators.
  label: 'Libellé',
  unit: 'Unité',
  category: 'Catégorie',
  aggregation: 'Agrégation',
  standard: 'Indicateur standard',
  exAnte: 'Ex-ante saisi',
  // Fiche plan.
  vision: 'Vision',
  portrait: 'Portrait',
  objectifStrategique: 'Objectif stratégique',
  commentairesModifications: 'Commentaires sur les modifications',
  recettes: 'Recettes',
  depenses: 'Dépenses',
  total: 'Total',
  partenaire: 'Partenaire',
  montant: 'Montant',
  parAnnee: 'Montant par année',
  nom: 'Nom',
  prenom: 'Prénom',
  nomPrenom: 'Nom et prénom',
  civilite: 'Civilité',
  fonction: 'Fonction',
  fonctionAutre: 'Fonction (autre)',
  etp: 'ETP',
  thematique: 'Thématique',
  institution: 'Institution',
  plusValues: 'Plus-values',
  dates: 'Dates',
  annee: 'Année',
  organisateur: 'Organisateur',
  satisfaction: 'Satisfaction',
  roleChefDeProjet: 'Rôle du chef de projet',
  liste: 'Liste',
  champAction: "Champ d'action",
  champActionAutre: "Champ d'action (autre)",
  telephone: 'Téléphone',
  courriels: 'Courriels',
  actionIds: 'Fiches liées',
  adresse: 'Adresse',
  population: 'Population',
  province: 'Province',
  siteInternet: 'Site internet',
  directeurFinancier: 'Directeur financier',
  representants: 'Représentant',
  denomination: 'Dénomination',
  porteParQui: 'Porté par',
  type: 'Type',
  dateApprobation: "Date d'approbation",
  adressePcs: 'Adresse du PCS',
  courriel1: 'Courriel',
  gsm: 'GSM',
  siteInternetPcs: 'Site internet du PCS',
  presidentCa: 'Président du CA',
  chefDeProjet: 'Chef de projet',
  anneesExperience: "Années d'expérience",
  autreFonction: 'Autre fonction',
  dateEntreeFonction: "Date d'entrée en fonction",
  diplome: 'Diplôme',
  engagementOuDetachement: 'Engagement ou détachement',
  orientation: 'Orientation',
  typeContrat: 'Type de contrat',
  externe: 'Externe',
  interne: 'Interne',
  recours: 'Recours',
  remarque: 'Remarque',
  // Finance.
  nature: 'Nature',
  libelle: 'Libellé',
  dateDecision: 'Date de la décision',
  commentaire: 'Commentaire',
  auteur: 'Auteur',
  codeFonctionnel: 'Code fonctionnel',
  articleEconomique: 'Article économique',
  texte: 'Texte',
  constat: 'Constat',
  justifieLe: 'Date',
  // Lines of the reconciliation (`finance.<année>.<ligne>`).
  equilibre: 'Équilibre du budget',
  'subvention-pcs': 'Subvention PCS',
  'part-communale': 'Part communale',
  'pcs-et-communale': 'Subvention PCS et part communale',
  'part-communale-minimum': 'Part communale minimale',
  transferts: 'Transferts aux partenaires',
  ...Object.fromEntries([...RECETTES_LINES, ...DEPENSES_LINES].map((l) => [l.key, l.label])),
};

/** A field's French name; an unknown one as words ("nouveauChamp" → "Nouveau champ"), never a raw id. */
function fieldLabel(key: string): string {
  const known = FIELD_LABELS[key];
  if (known) return known;
  if (looksLikeId(key)) return 'élément supprimé';
  const words = key
    .replace(/([a-z])([A-Z0-9])/g, '$1 $2')
    .replace(/[-_]/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A row id as the app makes them (UUID), or one of another source (`a01-p02`, `#…`): never shown. */
export const ROW_ID_PATTERN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
function looksLikeId(part: string): boolean {
  return part.startsWith('#') || ROW_ID_PATTERN.test(part) || (/\d/.test(part) && /[-_]/.test(part) && !/^\d{4}$/.test(part));
}

const kindLabel = (kind: string | undefined) => (kind === 'target' ? 'Cible' : kind === 'actual' ? 'Réalisé' : null);
const periodLabel = (period: string) => (period === 'ex-ante' ? 'Ex-ante' : period === 'ex-post' ? 'Ex-post' : period);

/** "Fiche 1.3.03", with its operator when another fiche of the plan shares its code. */
export function ficheLabel(plan: Pick<PlanDocument, 'actions'>, action: Pick<Action, 'code' | 'fiche'> & { id?: string }): string {
  const shared = plan.actions.filter((a) => a.code === action.code).length > 1;
  if (!shared) return `Fiche ${action.code}`;
  const op = action.fiche.operateur;
  const who = op.organisme ?? (op.equipePcs ? 'équipe PCS' : null);
  const position = action.id ? plan.actions.findIndex((a) => a.id === action.id) + 1 : 0;
  return `Fiche ${action.code} (${who ?? (position > 0 ? `fiche n°${position}` : 'opérateur non précisé')})`;
}

/** « indicateur 2 « Nombre de personnes » ». */
function indicatorLabel(indicator: Row | null, index: number | null): string {
  if (!indicator || index === null) return 'indicateur supprimé';
  const label = typeof indicator.label === 'string' && indicator.label.trim() ? ` « ${indicator.label.trim()} »` : '';
  return `indicateur ${index + 1}${label}`;
}

/** How a row of a list reads: its name when it has one, else its position ("ligne 3"). */
function rowLabel(step: Extract<PathStep, { kind: 'row' }>, noun: string): string {
  if (!step.row) return `${noun} supprimé${FEMININE_NOUNS.has(noun) ? 'e' : ''}`;
  const r = step.row;
  const name = [r.nom, r.nomPrenom, r.partenaire, r.thematique, r.libelle, r.label, r.valeur, r.dimension].find(
    (v) => typeof v === 'string' && v.trim() !== '',
  );
  const position = step.index !== null ? `${noun} ${step.index + 1}` : noun;
  return typeof name === 'string' ? `${position} « ${name.trim()} »` : position;
}

const FEMININE_NOUNS = new Set(['formation', 'commission', 'réunion', 'ligne', 'valeur de référence']);

const LIST_NOUNS: Record<string, string> = {
  equipeMembres: 'membre',
  formations: 'formation',
  commissions: 'commission',
  reunionsOrganisees: 'réunion',
  reunionsInvite: 'réunion',
  partenaires: 'partenaire',
  autresPartenaires: 'autre partenaire',
  publics: 'public',
  representants: 'représentant',
  transferts: 'transfert',
  valeursDeReference: 'valeur de référence',
};

/** The labels of the remaining field parts, with years and Cible/Réalisé read as such. */
function fieldsLabel(steps: readonly PathStep[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.kind === 'row') {
      out.push(rowLabel(s, LIST_NOUNS[s.list] ?? 'ligne'));
      continue;
    }
    // A list's name before one of its rows: the row says it ("autre partenaire 2 « CPAS »").
    if (s.key === 'fiche' || steps[i + 1]?.kind === 'row') continue;
    if (/^\d{4}$/.test(s.key) || s.key === 'ex-ante' || s.key === 'ex-post') {
      const next = steps[i + 1];
      const kind = next?.kind === 'field' ? kindLabel(next.key) : null;
      out.push(kind ? `${kind} ${periodLabel(s.key)}` : periodLabel(s.key));
      if (kind) i++;
      continue;
    }
    if (s.key === 'values' || s.key === 'parAnnee') continue;
    if (/^\d+$/.test(s.key)) {
      out.push(`ligne ${Number(s.key) + 1}`);
      continue;
    }
    out.push(fieldLabel(s.key));
  }
  return out;
}

/**
 * The root of the audit paths of a plan's form documents (`formulaires.<document id>.<section>.<field>…`,
 * server/services/form-documents.ts): not part of the plan document, named by the label stored with each change.
 */
export const FORM_AUDIT_ROOT = 'formulaires';

export type LabelOptions = {
  /** The label recorded when the path was written (audit row, thread): used when the path no longer resolves. */
  storedLabel?: string | null;
};

/** Whether a label can be shown to people: no path, no row id. */
export function isReadableLabel(label: string): boolean {
  return !ROW_ID_PATTERN.test(label) && !/(^|\s)(actions|transferts|budgetsAnnuels|imputations)\.[\w#-]+\./.test(label);
}

/**
 * The French name of a path, as every screen, export and message shows it:
 * « Fiche 1.3.03 · indicateur 2 « Nombre de personnes » · Réalisé <année> », « Budget · Recettes · Subvention PCS »,
 * « Transferts par partenaire · « CPAS » · <année> », « Fiche 2.4.01 · Description ». A part that no longer exists
 * (a fiche, an indicator, a row deleted since) gives the stored label when there is a readable one, else a generic
 * French label ("Fiche supprimée · …"); never an id.
 */
export function labelPath(plan: Partial<PlanDocument> & Pick<PlanDocument, 'actions'>, path: string, options: LabelOptions = {}): string {
  const { steps } = parsePath(plan, path);
  const stored = options.storedLabel && isReadableLabel(options.storedLabel) ? options.storedLabel : null;
  if (stored && steps.some((s) => s.kind === 'row' && s.row === null)) return stored;
  const [head, ...rest] = steps;
  if (head?.kind !== 'field') return stored ?? 'Valeur du plan';
  if (head.key === FORM_AUDIT_ROOT) return stored ?? 'Formulaire';
  const join = (parts: (string | null | undefined)[]) => parts.filter((p): p is string => !!p).join(LABEL_SEPARATOR);

  switch (head.key) {
    case 'actions': {
      const [row, ...inner] = rest;
      if (row?.kind !== 'row') return SECTION_LABELS.actions!;
      const action = row.row as Action | null;
      const fiche = action ? ficheLabel(plan, action) : 'Fiche supprimée';
      const [f1, f2, ...after] = inner;
      if (action && f1?.kind === 'field' && f1.key === 'indicators' && f2?.kind === 'row') {
        return join([fiche, indicatorLabel(f2.row, f2.index), ...fieldsLabel(after)]);
      }
      if (!action && f1?.kind === 'field' && f1.key === 'indicators') return join([fiche, 'indicateur', ...fieldsLabel(inner.slice(2))]);
      return join([fiche, ...fieldsLabel(inner)]);
    }
    case 'transferts': {
      const [row, ...inner] = rest;
      if (row?.kind !== 'row') return join([SECTION_LABELS.transferts, ...fieldsLabel(rest)]);
      const partner = row.row && typeof row.row.partenaire === 'string' ? `Transfert à « ${row.row.partenaire} »` : 'Transfert supprimé';
      return join([partner, ...fieldsLabel(inner)]);
    }
    case 'repartitionTemps': {
      const [cat, period] = rest;
      const category = cat?.kind === 'field' ? (TIME_CATEGORIES.find((c) => c.code === cat.key)?.label ?? cat.key) : null;
      return join([SECTION_LABELS.repartitionTemps, category && `« ${category} »`, period?.kind === 'field' ? periodLabel(period.key) : null]);
    }
    case 'budgetsAnnuels': {
      const [row, ...inner] = rest;
      if (row?.kind !== 'row') return join([SECTION_LABELS.budgetsAnnuels, ...fieldsLabel(rest)]);
      const v = row.row as { annee?: number; libelle?: string; nature?: string } | null;
      const year = v?.annee ?? row.year;
      const version = v ? `${v.nature === 'previsionnel' ? 'prévisionnel' : 'actualisation'}${v.libelle ? ` « ${v.libelle} »` : ''}` : 'version supprimée';
      return join([
        `${SECTION_LABELS.budgetsAnnuels}${year ? ` ${year}` : ''}`,
        version,
        ...fieldsLabel(inner.filter((s) => !(s.kind === 'field' && s.key === 'budget'))),
      ]);
    }
    case 'imputations': {
      const [row, ...inner] = rest;
      if (row?.kind !== 'row') return join([SECTION_LABELS.imputations, ...fieldsLabel(rest)]);
      const line = row.row as { annee?: number; libelle?: string | null } | null;
      const year = line?.annee ?? row.year;
      const name = line ? (line.libelle ? `« ${line.libelle} »` : row.index !== null ? `ligne ${row.index + 1}` : null) : 'ligne supprimée';
      return join([`${SECTION_LABELS.imputations}${year ? ` ${year}` : ''}`, name, ...fieldsLabel(inner)]);
    }
    case 'justifications': {
      const [row, ...inner] = rest;
      if (row?.kind !== 'row') return join([SECTION_LABELS.justifications, ...fieldsLabel(rest)]);
      const j = row.row as { constat?: string } | null;
      const about = j?.constat ? `du constat « ${j.constat} »` : justifiedPlace(plan, row.key);
      return join([`${SECTION_LABELS.justifications} ${about}`, ...fieldsLabel(inner)]);
    }
    case 'finance': {
      const [year, line] = rest;
      return join([`${SECTION_LABELS.finance}${year?.kind === 'field' ? ` ${year.key}` : ''}`, line?.kind === 'field' ? fieldLabel(line.key) : null]);
    }
    default: {
      const section = SECTION_LABELS[head.key] ?? fieldLabel(head.key);
      return join([section, ...fieldsLabel(rest)]);
    }
  }
}

/** "sur Fiche 1.3.03 · Code" for a justification whose row is gone: its key is `rule:stable path`. */
function justifiedPlace(plan: Partial<PlanDocument> & Pick<PlanDocument, 'actions'>, key: string): string {
  const cle = key.replaceAll(JUSTIFICATION_KEY_SEPARATOR, SEPARATOR);
  const at = cle.indexOf(':');
  if (at < 0) return 'supprimée';
  const place = cle.slice(at + 1).replace(/~\d+$/, '');
  return `sur ${labelPath(plan, place)}`;
}
