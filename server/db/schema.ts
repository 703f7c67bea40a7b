import { sql, type SQL } from 'drizzle-orm';
import { blob, check, uniqueIndex, foreignKey, index, integer, primaryKey, sqliteTable, text, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { DROIT_VISE_LABELS, INDICATOR_CATEGORY_CODES, STANDARD_INDICATOR_CODES, STATUTS_ACTION } from '../../schemas/enums.ts';
import { AGGREGATION_CODES, UNIT_CODES } from '../../schemas/numbers.ts';
import { COLLECTION_KEYS, SECTION_KEYS } from '../../schemas/plan.ts';
import { CELL_GRIDS } from '../../schemas/cells.ts';
import { ROLES } from '../../schemas/access.ts';
import { ORGANISATION_KINDS } from '../../schemas/porteur.ts';
import { AUDIT_EVENTS, CHANGE_ORIGINS } from '../../schemas/audit.ts';
import { FILE_STATES, MESSAGE_KINDS, SUBMISSION_STATUSES, THREAD_STATUSES } from '../../schemas/submission.ts';
import { PROGRAMME_STATUSES } from '../../schemas/reference.ts';
import { FORM_STATUSES } from '../../schemas/form-workflow.ts';
import { IMPUTATION_NATURES, BUDGET_VERSION_KINDS, FUNCTIONAL_CODES } from '../../schemas/finance.ts';

const FUNCTIONAL_CODE_LIST = Object.keys(FUNCTIONAL_CODES) as [keyof typeof FUNCTIONAL_CODES, ...(keyof typeof FUNCTIONAL_CODES)[]];

/**
 * SQLite tables of a plan. Numbers that take part in arithmetic (budget, transfers, indicator values, time shares,
 * E-compte amounts) are typed integer columns in minor units (cents, hundredths); text-only sections and lists are
 * zod-validated JSON. Every editable row carries a version; SQLite does not enforce enums, so closed lists get
 * CHECK constraints in addition to zod.
 */

/** `col IN ('a','b')` for a constant closed list (never user input). */
function inList(column: AnySQLiteColumn, values: readonly string[]): SQL {
  const list = values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
  return sql`${column} in (${sql.raw(list)})`;
}

export { CELL_GRIDS, type CellGrid } from '../../schemas/cells.ts';

/** A commune, or an association of communes, that carries plans and employs their staff. */
export const organisations = sqliteTable(
  'organisations',
  {
    id: text('id').primaryKey(),
    nom: text('nom').notNull().unique(),
    nature: text('nature', { enum: ORGANISATION_KINDS }).notNull(),
    /** The commune of a CPAS, or the commune itself; null for an association (its communes are its members). */
    commune: text('commune'),
    version: integer('version').notNull().default(1),
  },
  (t) => [check('organisations_nature', inList(t.nature, ORGANISATION_KINDS))],
);

/** The communes of an association of communes (art. 8), the lead commune first, each with its ISADF and population. */
export const organisationMembers = sqliteTable(
  'organisation_members',
  {
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    commune: text('commune').notNull(),
    /** ISADF in thousandths (0,10 → 100); null when not known. */
    isadf: integer('isadf'),
    population: integer('population'),
    pilote: integer('pilote', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.position] }), uniqueIndex('organisation_members_commune').on(t.organisationId, t.commune)],
);

/**
 * The programmes: the published ones shipped in `templates/` (rewritten from them at every start) and the drafts an
 * administrator edits until publishing them. `definition` and `catalogue` are zod-validated JSON.
 */
export const programmes = sqliteTable(
  'programmes',
  {
    id: text('id').primaryKey(),
    statut: text('statut', { enum: PROGRAMME_STATUSES }).notNull(),
    definition: text('definition', { mode: 'json' }).notNull(),
    catalogue: text('catalogue', { mode: 'json' }).notNull(),
    updatedAt: text('updated_at').notNull(),
    /** Who last changed a draft (name and role, as the programme page shows it); null for the templates' own rows. */
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
  },
  (t) => [check('programmes_statut', inList(t.statut, PROGRAMME_STATUSES))],
);

export const plans = sqliteTable('plans', {
  id: text('id').primaryKey(),
  programmeId: text('programme_id').notNull(),
  commune: text('commune').notNull(),
  /** Whose plan it is; null only for a plan of a database older than accounts (then only the DiCS and admins see it). */
  organisationId: text('organisation_id').references(() => organisations.id),
  /** The plan of the previous programme this one was prepared from ("Préparer le plan suivant"). */
  predecessorId: text('predecessor_id').references((): AnySQLiteColumn => plans.id, { onDelete: 'set null' }),
  /** When the plan was prepared from its predecessor and not yet saved since: the preparation can still be undone. */
  preparedAt: text('prepared_at'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
  version: integer('version').notNull().default(1),
  /**
   * A random number the database draws when the plan is made and again, by triggers (migration 0014), whenever a
   * row of its fiches, indicators or transfers is written or removed: what a cell write reads of the plan's
   * structure (its fiches' codes, ranks and operators, its indicators' units, its transfers) stays the same as long
   * as it does. A rolled-back change takes its number back with it; the next change draws a new one.
   */
  structureStamp: integer('structure_stamp').notNull().default(0),
});

export const planSections = sqliteTable(
  'plan_sections',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    section: text('section', { enum: SECTION_KEYS }).notNull(),
    data: text('data', { mode: 'json' }).notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.planId, t.section] }), check('plan_sections_section', inList(t.section, SECTION_KEYS))],
);

export const planRows = sqliteTable(
  'plan_rows',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    collection: text('collection', { enum: COLLECTION_KEYS }).notNull(),
    position: integer('position').notNull(),
    data: text('data', { mode: 'json' }).notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('plan_rows_plan').on(t.planId, t.collection, t.position), check('plan_rows_collection', inList(t.collection, COLLECTION_KEYS))],
);

export const transfers = sqliteTable(
  'transfers',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    partenaire: text('partenaire').notNull(),
    art20: integer('art20', { mode: 'boolean' }),
    montantCents: integer('montant_cents'),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('transfers_plan').on(t.planId, t.position), check('transfers_montant', sql`${t.montantCents} >= 0`)],
);

export const actions = sqliteTable(
  'actions',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    code: text('code').notNull(),
    statut: text('statut', { enum: STATUTS_ACTION }),
    droitVise: text('droit_vise', { enum: DROIT_VISE_LABELS }),
    priorite: integer('priorite'),
    /** The partner transfer funding the operator of this action. */
    transferId: text('transfer_id').references(() => transfers.id, { onDelete: 'set null' }),
    /** Fiche body (spec §2.2) except the operator's transfer link, zod-validated. */
    fiche: text('fiche', { mode: 'json' }).notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('actions_plan').on(t.planId, t.position),
    check('actions_statut', sql`${t.statut} is null or ${inList(t.statut, STATUTS_ACTION)}`),
    check('actions_droit_vise', sql`${t.droitVise} is null or ${inList(t.droitVise, DROIT_VISE_LABELS)}`),
  ],
);

export const indicators = sqliteTable(
  'indicators',
  {
    id: text('id').primaryKey(),
    actionId: text('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    category: text('category', { enum: INDICATOR_CATEGORY_CODES }).notNull(),
    label: text('label').notNull(),
    unit: text('unit', { enum: UNIT_CODES }).notNull(),
    aggregation: text('aggregation', { enum: AGGREGATION_CODES }),
    standard: text('standard', { enum: STANDARD_INDICATOR_CODES }),
    /** Ex-ante typed explicitly, in the unit's minor unit; null = computed from the targets. */
    exAnte: integer('ex_ante'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('indicators_action').on(t.actionId, t.position),
    check('indicators_category', inList(t.category, INDICATOR_CATEGORY_CODES)),
    check('indicators_unit', inList(t.unit, UNIT_CODES)),
    check('indicators_aggregation', sql`${t.aggregation} is null or ${inList(t.aggregation, AGGREGATION_CODES)}`),
    check('indicators_standard', sql`${t.standard} is null or ${inList(t.standard, STANDARD_INDICATOR_CODES)}`),
  ],
);

/**
 * Versioned cells of the plan's yearly grids: indicator targets and actuals (row = indicator id, period = year),
 * the chef de projet's time (row = category, period = "ex-ante" | year | "ex-post") and E-compte consumption
 * (row = "e-compte", period = year). A missing cell is blank at version 0.
 */
export const cells = sqliteTable(
  'cells',
  {
    planId: text('plan_id').notNull(),
    grid: text('grid', { enum: CELL_GRIDS }).notNull(),
    rowKey: text('row_key').notNull(),
    period: text('period').notNull(),
    /** Set for indicator cells so that deleting the indicator deletes its cells. */
    indicatorId: text('indicator_id'),
    value: integer('value'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.planId, t.grid, t.rowKey, t.period] }),
    foreignKey({ columns: [t.planId], foreignColumns: [plans.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.indicatorId], foreignColumns: [indicators.id] }).onDelete('cascade'),
    index('cells_indicator').on(t.indicatorId),
    check('cells_grid', inList(t.grid, CELL_GRIDS)),
  ],
);

/** The ten amounts of a budget (fiche plan, or a yearly version), in cents; blank = null. */
const budgetColumns = () => ({
  recettesTotal: integer('recettes_total'),
  subventionPcs: integer('subvention_pcs'),
  partCommunale: integer('part_communale'),
  subventionsArt20: integer('subventions_art20'),
  autresRecettes: integer('autres_recettes'),
  depensesTotal: integer('depenses_total'),
  personnel: integer('personnel'),
  fonctionnement: integer('fonctionnement'),
  investissement: integer('investissement'),
  subventionsInstitutions: integer('subventions_institutions'),
});

export const budgets = sqliteTable(
  'budgets',
  {
    planId: text('plan_id')
      .primaryKey()
      .references(() => plans.id, { onDelete: 'cascade' }),
    ...budgetColumns(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    check(
      'budgets_non_negative',
      sql`coalesce(${t.recettesTotal}, 0) >= 0 and coalesce(${t.subventionPcs}, 0) >= 0 and coalesce(${t.partCommunale}, 0) >= 0
        and coalesce(${t.subventionsArt20}, 0) >= 0 and coalesce(${t.autresRecettes}, 0) >= 0 and coalesce(${t.depensesTotal}, 0) >= 0
        and coalesce(${t.personnel}, 0) >= 0 and coalesce(${t.fonctionnement}, 0) >= 0 and coalesce(${t.investissement}, 0) >= 0
        and coalesce(${t.subventionsInstitutions}, 0) >= 0`,
    ),
  ],
);

/**
 * The budget of a programme year as recorded on a date: the prévisionnel, then each actualisation. Rows are only
 * ever inserted (a trigger of the migration refuses updates): a correction is a new actualisation.
 */
export const budgetVersions = sqliteTable(
  'budget_versions',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    annee: integer('annee').notNull(),
    nature: text('nature', { enum: BUDGET_VERSION_KINDS }).notNull(),
    libelle: text('libelle').notNull(),
    dateDecision: text('date_decision').notNull(),
    ...budgetColumns(),
    commentaire: text('commentaire'),
    auteur: text('auteur').notNull(),
    enregistreLe: text('enregistre_le').notNull(),
  },
  (t) => [index('budget_versions_plan').on(t.planId, t.annee), check('budget_versions_nature', inList(t.nature, BUDGET_VERSION_KINDS))],
);

/** Amounts booked in the municipal accounts (E-compte imputations), in signed cents. */
export const imputationRows = sqliteTable(
  'imputations',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    annee: integer('annee').notNull(),
    codeFonctionnel: text('code_fonctionnel', { enum: FUNCTIONAL_CODE_LIST }).notNull(),
    articleEconomique: text('article_economique').notNull(),
    libelle: text('libelle'),
    montantCents: integer('montant_cents').notNull(),
    /** Null = classified by the documented rule. */
    nature: text('nature', { enum: IMPUTATION_NATURES }),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('imputations_plan').on(t.planId, t.annee, t.position),
    check('imputations_code', inList(t.codeFonctionnel, FUNCTIONAL_CODE_LIST)),
    check('imputations_nature', sql`${t.nature} is null or ${inList(t.nature, IMPUTATION_NATURES)}`),
  ],
);

/** The finance officer's justification of a non-blocking finding, by the finding's stable key. */
export const justifications = sqliteTable(
  'justifications',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    cle: text('cle').notNull(),
    texte: text('texte').notNull(),
    auteur: text('auteur').notNull(),
    justifieLe: text('justifie_le').notNull(),
    constat: text('constat').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.planId, t.cle] })],
);

/** People who sign in. The password is kept as an argon2id hash only. */
export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull().unique(),
    nom: text('nom').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    organisationId: text('organisation_id').references(() => organisations.id),
    /** A partner operator's partner, as named in the plan's transfers. */
    partenaire: text('partenaire'),
    passwordHash: text('password_hash').notNull(),
    createdAt: text('created_at').notNull(),
    passwordChangedAt: text('password_changed_at'),
  },
  (t) => [check('users_role', inList(t.role, ROLES))],
);

/** Open sessions, by the SHA-256 of their random id (the id itself only lives in the signed cookie). */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** Server settings generated at first start (the cookie signing key): never in the repository. */
/**
 * Failed sign-ins (server/services/auth.ts, LoginThrottle): one row per failure and per key (`e:<email>`,
 * `a:<address>`), kept past a restart; rows older than the throttle's window are pruned.
 */
export const loginFailures = sqliteTable(
  'login_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    /** Milliseconds since the epoch. */
    at: integer('at').notNull(),
  },
  (t) => [index('login_failures_key_at').on(t.key, t.at), index('login_failures_at').on(t.at)],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * The audit trail: one row per change (who, when, from where, why) and one row per value it changed (old → new,
 * as JSON). Rows are only ever inserted (a trigger of the migration refuses updates).
 */
export const auditChanges = sqliteTable(
  'audit_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    at: text('at').notNull(),
    event: text('event', { enum: AUDIT_EVENTS }).notNull(),
    userId: text('user_id'),
    userName: text('user_name').notNull(),
    userRole: text('user_role').notNull(),
    origin: text('origin', { enum: CHANGE_ORIGINS }).notNull(),
    reason: text('reason'),
    summary: text('summary'),
  },
  (t) => [
    index('audit_changes_plan').on(t.planId, t.id),
    check('audit_changes_event', inList(t.event, AUDIT_EVENTS)),
    check('audit_changes_origin', inList(t.origin, CHANGE_ORIGINS)),
  ],
);

export const auditValues = sqliteTable(
  'audit_values',
  {
    changeId: integer('change_id')
      .notNull()
      .references(() => auditChanges.id, { onDelete: 'cascade' }),
    planId: text('plan_id').notNull(),
    path: text('path').notNull(),
    /** How the value was named when it changed (a fiche may be deleted later). */
    label: text('label').notNull(),
    oldValue: text('old_value', { mode: 'json' }),
    newValue: text('new_value', { mode: 'json' }),
  },
  (t) => [index('audit_values_path').on(t.planId, t.path), index('audit_values_change').on(t.changeId)],
);

/**
 * Annual reports submitted to the DiCS: the plan as it was (JSON snapshot), the XLSX and PDF generated from it and
 * their SHA-256. The snapshot and the files never change once written (triggers of the migration); the status
 * follows the review (soumis → approuvé or retourné; rouvert by the commune).
 */
export const submissions = sqliteTable(
  'submissions',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    /** The programme's kind of submission (its `soumissions[].id`). */
    kind: text('kind').notNull().default('rapport-annuel'),
    annee: integer('annee').notNull(),
    numero: integer('numero').notNull(),
    statut: text('statut', { enum: SUBMISSION_STATUSES }).notNull(),
    soumisLe: text('soumis_le').notNull(),
    soumisPar: text('soumis_par').notNull(),
    snapshot: text('snapshot').notNull(),
    /** The values changed since the previous submission of the year (JSON), as the annex lists them. */
    changements: text('changements').notNull(),
    fichiers: text('fichiers', { enum: FILE_STATES }).notNull(),
    xlsx: blob('xlsx', { mode: 'buffer' }),
    xlsxSha256: text('xlsx_sha256'),
    pdf: blob('pdf', { mode: 'buffer' }),
    pdfSha256: text('pdf_sha256'),
    decideLe: text('decide_le'),
    decidePar: text('decide_par'),
    motif: text('motif'),
  },
  (t) => [
    uniqueIndex('submissions_year').on(t.planId, t.kind, t.annee, t.numero),
    check('submissions_statut', inList(t.statut, SUBMISSION_STATUSES)),
    check('submissions_fichiers', inList(t.fichiers, FILE_STATES)),
  ],
);

/** A reviewer's question on one value of a submitted year, and the conversation that follows. */
export const reviewThreads = sqliteTable(
  'review_threads',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    annee: integer('annee').notNull(),
    chemin: text('chemin').notNull(),
    libelle: text('libelle').notNull(),
    statut: text('statut', { enum: THREAD_STATUSES }).notNull(),
    ouvertLe: text('ouvert_le').notNull(),
    ouvertPar: text('ouvert_par').notNull(),
  },
  (t) => [index('review_threads_plan').on(t.planId, t.annee), check('review_threads_statut', inList(t.statut, THREAD_STATUSES))],
);

export const reviewMessages = sqliteTable(
  'review_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    threadId: text('thread_id')
      .notNull()
      .references(() => reviewThreads.id, { onDelete: 'cascade' }),
    at: text('at').notNull(),
    auteur: text('auteur').notNull(),
    role: text('role').notNull(),
    nature: text('nature', { enum: MESSAGE_KINDS }).notNull(),
    texte: text('texte').notNull(),
  },
  (t) => [index('review_messages_thread').on(t.threadId, t.id), check('review_messages_nature', inList(t.nature, MESSAGE_KINDS))],
);

/**
 * What the regional overview shows of a plan that would otherwise need the whole plan read and checked (findings,
 * budget figures, porteur, chef de projet), computed from the plan at `planVersion`: stale when the plan's version moved.
 */
export const planSummaries = sqliteTable('plan_summaries', {
  planId: text('plan_id')
    .primaryKey()
    .references(() => plans.id, { onDelete: 'cascade' }),
  planVersion: integer('plan_version').notNull(),
  computedAt: text('computed_at').notNull(),
  /** JSON, validated by the regional overview's schema when read. */
  data: text('data').notNull(),
});

/** A later due date the DiCS grants one plan for one submission kind and year. */
export const deadlineExtensions = sqliteTable(
  'deadline_extensions',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    annee: integer('annee').notNull(),
    /** The new due date (ISO date). */
    echeance: text('echeance').notNull(),
    motif: text('motif'),
    accordeLe: text('accorde_le').notNull(),
    accordePar: text('accorde_par').notNull(),
  },
  (t) => [uniqueIndex('deadline_extensions_obligation').on(t.planId, t.kind, t.annee)],
);

/** What the application tells one person (a reminder, a returned submission…), read in the interface. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    planId: text('plan_id').references(() => plans.id, { onDelete: 'cascade' }),
    /** What it is about, e.g. `rappel`, `retour` (the services' closed list). */
    nature: text('nature').notNull(),
    titre: text('titre').notNull(),
    texte: text('texte').notNull(),
    /** Where the interface leads (a client route such as `#/plans/…`), or null. */
    lien: text('lien'),
    createdAt: text('created_at').notNull(),
    readAt: text('read_at'),
  },
  (t) => [index('notifications_user').on(t.userId, t.createdAt)],
);

/**
 * Every e-mail the application sends, kept: sent through SMTP when it is configured (`envoye`, or `echec` with the
 * error), otherwise left in this outbox (`boite`) for the administrator to read — never silently dropped.
 */
export const mailOutbox = sqliteTable(
  'mail_outbox',
  {
    id: text('id').primaryKey(),
    destinataire: text('destinataire').notNull(),
    sujet: text('sujet').notNull(),
    texte: text('texte').notNull(),
    createdAt: text('created_at').notNull(),
    statut: text('statut').notNull(),
    envoyeLe: text('envoye_le'),
    erreur: text('erreur'),
  },
  (t) => [index('mail_outbox_created').on(t.createdAt)],
);

/** The reminders already sent (one per plan, kind, year and step), so that a reminder goes once. */
export const remindersSent = sqliteTable(
  'reminders_sent',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    annee: integer('annee').notNull(),
    /** Which reminder: e.g. `J-30`, `J-7`, `J+1`, `J+30` (days from the due date). */
    etape: text('etape').notNull(),
    /** The due date it was computed against: an extension makes the steps due again. */
    echeance: text('echeance').notNull(),
    sentAt: text('sent_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.kind, t.annee, t.etape, t.echeance] })],
);

/**
 * The DiCS's typed reasons for returning a submission ("demande de correction"), each attached to a section of the
 * fiche plan or to a fiche action, so the commune sees the request where it has to correct.
 */
export const returnReasons = sqliteTable(
  'return_reasons',
  {
    id: text('id').primaryKey(),
    submissionId: text('submission_id')
      .notNull()
      .references(() => submissions.id, { onDelete: 'cascade' }),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    /** `section` (a fiche plan section key), `fiche` (an action id) or `plan` (the whole plan). */
    cibleType: text('cible_type').notNull(),
    cible: text('cible'),
    /** How the target was named when returned (a fiche may be deleted later). */
    cibleLibelle: text('cible_libelle').notNull(),
    /** The reason's type, from the review queue's closed list. */
    motifType: text('motif_type').notNull(),
    texte: text('texte').notNull(),
    createdAt: text('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    /** When the commune marked it corrected (null while open). */
    resolvedAt: text('resolved_at'),
  },
  (t) => [index('return_reasons_plan').on(t.planId), index('return_reasons_submission').on(t.submissionId)],
);

/**
 * Documents of a plan filled in from a form definition of `templates/forms/` (an evaluation of working groups, a
 * project application): the kind's id, a title and the content as JSON validated by the schema derived from the
 * kind (schemas/form-document.ts), versioned like the fiche plan's sections. Changes go to the plan's audit trail.
 */
export const formDocuments = sqliteTable(
  'form_documents',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    data: text('data', { mode: 'json' }).notNull(),
    version: integer('version').notNull().default(0),
    createdAt: text('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    updatedAt: text('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
    /** Its review by the DiCS (schemas/form-workflow.ts): status, latest submission, latest decision and its motif. */
    statut: text('statut', { enum: FORM_STATUSES }).notNull().default('brouillon'),
    soumisLe: text('soumis_le'),
    soumisPar: text('soumis_par'),
    decideLe: text('decide_le'),
    decidePar: text('decide_par'),
    motif: text('motif'),
  },
  (t) => [index('form_documents_plan').on(t.planId, t.createdAt), index('form_documents_statut').on(t.statut)],
);

/**
 * The DiCS's questions on one field of a form document (`chemin` inside its content, `libelle` as the audit names
 * it), and their messages: as `review_threads` / `review_messages` for the plan's values, but tied to a document (gone
 * with it) rather than to a programme year.
 */
export const formThreads = sqliteTable(
  'form_threads',
  {
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    documentId: text('document_id')
      .notNull()
      .references(() => formDocuments.id, { onDelete: 'cascade' }),
    chemin: text('chemin').notNull(),
    libelle: text('libelle').notNull(),
    statut: text('statut', { enum: THREAD_STATUSES }).notNull(),
    ouvertLe: text('ouvert_le').notNull(),
    ouvertPar: text('ouvert_par').notNull(),
  },
  (t) => [index('form_threads_document').on(t.documentId, t.ouvertLe), check('form_threads_statut', inList(t.statut, THREAD_STATUSES))],
);

export const formThreadMessages = sqliteTable(
  'form_thread_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    threadId: text('thread_id')
      .notNull()
      .references(() => formThreads.id, { onDelete: 'cascade' }),
    at: text('at').notNull(),
    auteur: text('auteur').notNull(),
    role: text('role').notNull(),
    nature: text('nature', { enum: MESSAGE_KINDS }).notNull(),
    texte: text('texte').notNull(),
  },
  (t) => [index('form_thread_messages_thread').on(t.threadId, t.id), check('form_thread_messages_nature', inList(t.nature, MESSAGE_KINDS))],
);
