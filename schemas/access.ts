import { z } from 'zod';
import { shortText } from './primitives.ts';
import type { PlanDocument } from './plan.ts';
import { splitPath } from './plan-path.ts';
import { communeOfOrganisation, type OrganisationKind } from './porteur.ts';

/**
 * Who may do what, shared by the server (which enforces it) and the browser (which shows read-only what the
 * person may not change). Two levels: a capability per route (coarse: "edits the finance parts"), then a rule per
 * changed value (fine: a partner operator's change may only touch the actuals and texts of the actions they operate),
 * applied to the difference a change makes to the plan, whatever the way it came (grid, import, API).
 */

export const ROLES = ['chef-de-projet', 'finance', 'partenaire', 'dics', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  'chef-de-projet': 'Chef de projet PCS',
  finance: 'Directeur financier',
  partenaire: 'Opérateur partenaire',
  dics: 'Agent de la DiCS',
  admin: 'Administrateur',
};

/** Roles that belong to a commune (or an association of communes); the others see every plan. */
export const ORGANISATION_ROLES: readonly Role[] = ['chef-de-projet', 'finance', 'partenaire'];

/** The person behind a request, as the services need them. */
export type Actor = {
  userId: string;
  email: string;
  nom: string;
  role: Role;
  /** The commune or association the person works for; null for the DiCS and administrators. */
  organisationId: string | null;
  /** For a partner operator: the partner (as named in the "Ventilation des transferts") whose actions they operate. */
  partenaire: string | null;
};

export const CAPABILITIES = [
  'read',
  'create-plan',
  'edit-plan',
  'edit-finance',
  'edit-cells',
  'edit-action-texts',
  'import-workbook',
  'justify',
  'review',
  'answer',
  'discuss',
  'submit',
  'reopen',
  'manage-users',
  /** Communes, associations of communes and CPAS: create, edit, create a plan for one. */
  'manage-organisations',
  /** Creating, editing and publishing a draft programme (its years, submission kinds and catalogue). */
  'manage-programmes',
  /** The regional workspace: every plan of a programme, the review queue, deadlines, overdue plans, consolidation. */
  'read-region',
  /** Granting one plan a later due date for a submission. */
  'grant-extension',
  /** Reading the e-mails the application sent or kept in its outbox. */
  'read-outbox',
  /** Downloading a backup of the whole database (every plan, account and e-mail). */
  'download-backup',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const ROLE_CAPABILITIES: Record<Role, readonly Capability[]> = {
  'chef-de-projet': [
    'read',
    'create-plan',
    'edit-plan',
    'edit-finance',
    'edit-cells',
    'edit-action-texts',
    'import-workbook',
    'justify',
    'answer',
    'discuss',
    'submit',
    'reopen',
  ],
  finance: ['read', 'edit-finance', 'edit-cells', 'import-workbook', 'justify', 'answer', 'discuss'],
  partenaire: ['read', 'edit-cells', 'edit-action-texts', 'import-workbook', 'answer', 'discuss'],
  dics: ['read', 'review', 'discuss', 'reopen', 'manage-organisations', 'read-region', 'grant-extension'],
  admin: [...CAPABILITIES],
};

/**
 * What each kind of write asks of the person's role: the routes declare it (`allow`) and the interface shows
 * read-only what the route would refuse — one table for both.
 */
export const WRITE_CAPABILITIES = {
  /** The commune's name, the plan's deletion, the fiche plan's sections but the budget. */
  plan: 'edit-plan',
  budgetSection: 'edit-finance',
  listRow: 'edit-plan',
  transfer: 'edit-finance',
  /** Adding, removing or moving an action. */
  actionList: 'edit-plan',
  /** An action's list fields and fiche (a partner operator's texts go through it). */
  action: 'edit-action-texts',
  indicator: 'edit-plan',
  cells: 'edit-cells',
  /** An edited export: each changed value is then judged by the value rule (what the role may not write is refused). */
  workbookImport: 'import-workbook',
  budgetVersion: 'edit-finance',
  imputationLine: 'edit-finance',
  justification: 'justify',
} as const satisfies Record<string, Capability>;

/** The capabilities that change a plan's values: a role with none of them only reads. */
export const WRITING_CAPABILITIES: readonly Capability[] = [...new Set(Object.values(WRITE_CAPABILITIES))];

/** "Votre rôle (Agent de la DiCS) ne permet pas de modifier le plan" / "… ne permet pas d’importer …": one wording. */
export function roleDenial(roleLabel: string | null, what: string): string {
  const de = /^[aâàeéèêëiîïoôuûy]/i.test(what) ? 'd’' : 'de ';
  return `Votre rôle${roleLabel ? ` (${roleLabel})` : ''} ne permet pas ${de}${what}`;
}

export function hasCapability(actor: Pick<Actor, 'role'>, capability: Capability): boolean {
  return ROLE_CAPABILITIES[actor.role].includes(capability);
}

/**
 * DiCS and administrators see every plan; the others only the plans of their commune or association (a plan
 * without one, from a database older than accounts, only the former).
 */
export function canSeePlan(actor: Pick<Actor, 'role' | 'organisationId'>, planOrganisationId: string | null): boolean {
  if (!ORGANISATION_ROLES.includes(actor.role)) return true;
  return planOrganisationId !== null && actor.organisationId === planOrganisationId;
}

/** The officers of a member commune of an association, who read the association's plans (and write none of them). */
export const MEMBER_READER_ROLES: readonly Role[] = ['chef-de-projet', 'finance'];

/** What a person may do with a plan beyond their role: change it (as far as the role goes), or only read it. */
export type PlanAccess = 'ecriture' | 'lecture';

/**
 * The plan's own people (and the DiCS and administrators) write it as far as their role goes; the chef de projet and
 * the finance officer of a member commune of the association carrying it read it (`memberOf`: the associations
 * their commune belongs to); the others do not see it (null: answered as a plan that does not exist).
 */
export function planAccessOf(
  actor: Pick<Actor, 'role' | 'organisationId'>,
  planOrganisationId: string | null,
  memberOf: ReadonlySet<string>,
): PlanAccess | null {
  if (canSeePlan(actor, planOrganisationId)) return 'ecriture';
  if (planOrganisationId !== null && MEMBER_READER_ROLES.includes(actor.role) && memberOf.has(planOrganisationId)) return 'lecture';
  return null;
}

/** "Plan de l’association « X » : votre commune en est membre, vous le consultez sans le modifier". */
export function memberReadOnlyReason(association: string): string {
  return `Plan de l’association « ${association} » : votre commune en est membre, vous le consultez sans le modifier`;
}

/** Fields of a fiche action a partner operator writes: the texts about what was done, never the commitments. */
export const PARTNER_TEXT_FIELDS = [
  'problemesBesoins',
  'plusValue',
  'solidarite',
  'gratuiteCommentaire',
  'luttePauvreteJustification',
  'description',
  'moyensLogistiques',
  'commentairesEcarts',
  'justificationModifications',
] as const;

/** Top-level parts of the plan document the finance officer edits. */
export const FINANCE_PARTS = ['budget', 'transferts', 'consommation', 'budgetsAnnuels', 'imputations', 'justifications'] as const;

/** Standard indicators of a fiche that are finance figures (the convention's amount, the share of the budget). */
export const FINANCE_INDICATOR_STANDARDS: readonly string[] = ['montant-convention', 'part-budget'];

/** What the value rule needs to know of the plan: the actions a partner operator operates, the finance indicators. */
export type WriteScope = { partnerActionIds: ReadonlySet<string>; financeIndicatorIds: ReadonlySet<string> };

type ScopePlan = Pick<PlanDocument, 'actions' | 'transferts'>;

/**
 * The actions a partner operator operates: those whose operator is funded by the transfer to their partner, or
 * whose operator organisation bears the partner's name.
 */
export function partnerActionIdsOf(plan: ScopePlan, partenaire: string | null): Set<string> {
  if (!partenaire) return new Set();
  const transferIds = new Set(plan.transferts.filter((t) => samePartner(t.partenaire, partenaire)).map((t) => t.id));
  return new Set(
    plan.actions
      .filter(
        (a) =>
          (a.fiche.operateur.transferId && transferIds.has(a.fiche.operateur.transferId)) ||
          (a.fiche.operateur.organisme && samePartner(a.fiche.operateur.organisme, partenaire)),
      )
      .map((a) => a.id),
  );
}

export function writeScopeOf(plan: ScopePlan, actor: Pick<Actor, 'partenaire'>): WriteScope {
  const financeIndicatorIds = new Set(
    plan.actions.flatMap((a) => a.indicators.filter((i) => i.standard && FINANCE_INDICATOR_STANDARDS.includes(i.standard)).map((i) => i.id)),
  );
  return { partnerActionIds: partnerActionIdsOf(plan, actor.partenaire), financeIndicatorIds };
}

/**
 * May this person change the value at `path` (a path of `flattenPlan`: `budget.personnel`,
 * `actions.<id>.indicators.<id>.values.<année>.actual`, `actions.<id>.fiche.description`…)?
 */
export function canWritePath(actor: Pick<Actor, 'role'>, path: string, scope: WriteScope): boolean {
  const parts = splitPath(path);
  switch (actor.role) {
    case 'admin':
    case 'chef-de-projet':
      return true;
    case 'finance':
      if (parts[0] === 'actions')
        return parts[2] === 'indicators' && scope.financeIndicatorIds.has(parts[3] ?? '') && (parts[4] === 'values' || parts[4] === 'exAnte');
      return (FINANCE_PARTS as readonly string[]).includes(parts[0]!);
    case 'partenaire': {
      if (parts[0] !== 'actions' || !scope.partnerActionIds.has(parts[1] ?? '')) return false;
      if (parts[2] === 'fiche') return (PARTNER_TEXT_FIELDS as readonly string[]).includes(parts[3] ?? '') && parts.length === 4;
      return parts[2] === 'indicators' && parts[4] === 'values' && parts[6] === 'actual' && parts.length === 7;
    }
    case 'dics':
      return false;
  }
}

/**
 * May this person write at `path` or somewhere under it (`actions.<id>` is an action, `transferts.<id>` a transfer
 * row, `budget` the budget section)? What a write addresses is authorised by this before any value is compared: an
 * edit of an action a partner does not operate is refused even when it would change nothing.
 */
export function canWriteUnder(actor: Pick<Actor, 'role'>, path: string, scope: WriteScope): boolean {
  if (canWritePath(actor, path, scope)) return true;
  const parts = splitPath(path);
  const [head, actionId, part, key, sub, , kind] = parts;
  const depth = parts.length;
  switch (actor.role) {
    case 'admin':
    case 'chef-de-projet':
      return true;
    case 'finance':
      if (head !== 'actions' || part !== 'indicators' || !scope.financeIndicatorIds.has(key ?? '')) return false;
      return depth === 4 || sub === 'values' || sub === 'exAnte';
    case 'partenaire':
      if (head !== 'actions' || !scope.partnerActionIds.has(actionId ?? '')) return false;
      if (depth === 2) return true;
      if (part === 'fiche') return depth === 3 || (PARTNER_TEXT_FIELDS as readonly string[]).includes(key ?? '');
      if (part !== 'indicators') return false;
      if (depth <= 4) return true;
      return sub === 'values' && (depth <= 6 || kind === 'actual');
    case 'dics':
      return false;
  }
}

/** The names a plan's porteur goes by: the plan's commune, the lead commune of the porteur section, the header's name. */
export type PorteurNames = { commune?: string; communePorteuse?: string | null; denomination?: string | null };

/**
 * A person of a commune (or association) carries plans in its name only: the plan's commune must be their
 * organisation, and so must the porteur section's lead commune (for a commune) and the name the running header
 * gives it. Answers one issue per name that designates someone else (the DiCS and administrators have no
 * organisation: they are not asked).
 */
export function porteurIssues(
  organisation: { nom: string; nature: OrganisationKind; commune?: string | null },
  names: PorteurNames,
): { path: string; message: string }[] {
  // The plan of a commune or a CPAS bears the commune's name; an association's bears the association's.
  const commune =
    organisation.nature === 'association' ? organisation.nom : communeOfOrganisation({ nom: organisation.nom, commune: organisation.commune ?? null });
  const own = `${OWN_WORDS[organisation.nature]} (${organisation.nom})`;
  const issues: { path: string; message: string }[] = [];
  if (names.commune !== undefined && !samePartner(names.commune, commune)) {
    issues.push({ path: 'commune', message: `Le plan doit être porté par ${own}, pas par « ${names.commune} »` });
  }
  if (organisation.nature !== 'association' && names.communePorteuse && !samePartner(names.communePorteuse, commune)) {
    issues.push({ path: 'porteur.communesAssociees.0', message: `La commune porteuse doit être ${own}, pas « ${names.communePorteuse} »` });
  }
  if (names.denomination && !normaliseName(names.denomination).includes(normaliseName(commune))) {
    issues.push({ path: 'porteur.denomination', message: `La dénomination doit nommer ${own}, pas « ${names.denomination} »` });
  }
  return issues;
}

const OWN_WORDS: Record<OrganisationKind, string> = { commune: 'votre commune', association: 'votre association', cpas: 'votre CPAS' };

/** Does a partner name designate the same organisation (case, accents of capitals and spaces aside)? */
export function samePartner(a: string, b: string): boolean {
  return normaliseName(a) === normaliseName(b);
}

/** A name without case, accents and repeated spaces, to compare names typed by people. */
function normaliseName(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

// ——— Accounts ————————————————————————————————————————————————————————————————————————————————————————————————————

export const MIN_PASSWORD_LENGTH = 10;
const password = z.string().min(MIN_PASSWORD_LENGTH, `Le mot de passe doit compter au moins ${MIN_PASSWORD_LENGTH} caractères`).max(200);
const emailField = z
  .email('Adresse électronique invalide')
  .max(200)
  .transform((s) => s.toLowerCase());

export const LoginSchema = z
  .object({
    email: z
      .string()
      .trim()
      .min(1, 'Indiquez votre adresse électronique')
      .max(200)
      .transform((s) => s.toLowerCase()),
    motDePasse: z.string().min(1, 'Indiquez votre mot de passe').max(200),
  })
  .strict();
export type Login = z.output<typeof LoginSchema>;

export const PasswordChangeSchema = z
  .object({ actuel: z.string().min(1, 'Indiquez votre mot de passe actuel').max(200), nouveau: password })
  .strict()
  .refine((p) => p.actuel !== p.nouveau, { path: ['nouveau'], message: 'Le nouveau mot de passe doit différer de l’actuel' });

export const UserCreateSchema = z
  .object({
    email: emailField,
    nom: shortText.min(1, 'Le nom est obligatoire').max(120),
    role: z.enum(ROLES, { message: `Rôle inconnu (rôles : ${ROLES.join(', ')})` }),
    /** Name of the commune or association; required for the roles that belong to one. */
    organisation: shortText.max(120).nullable().default(null),
    partenaire: shortText.max(200).nullable().default(null),
    /** The organisation is an association of communes (when it does not exist yet). */
    association: z.boolean().default(false),
    motDePasse: password,
  })
  .strict()
  .superRefine((u, ctx) => {
    const needsOrganisation = ORGANISATION_ROLES.includes(u.role);
    if (needsOrganisation && !u.organisation)
      ctx.addIssue({
        code: 'custom',
        path: ['organisation'],
        message: `Le rôle « ${ROLE_LABELS[u.role]} » appartient à une commune ou une association : indiquez-la`,
      });
    if (!needsOrganisation && u.organisation)
      ctx.addIssue({
        code: 'custom',
        path: ['organisation'],
        message: `Le rôle « ${ROLE_LABELS[u.role]} » voit tous les plans : il n'appartient à aucune commune`,
      });
    if ((u.role === 'partenaire') !== (u.partenaire !== null))
      ctx.addIssue({ code: 'custom', path: ['partenaire'], message: 'Le partenaire est indiqué pour un opérateur partenaire, et pour lui seul' });
  });
export type UserCreate = z.output<typeof UserCreateSchema>;

/** What `GET /api/auth/me` answers. */
export type Me = Actor & { roleLabel: string; organisation: string | null; capabilities: Capability[] };
