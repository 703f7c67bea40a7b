import { z } from 'zod';
import { CIVILITES, ENGAGEMENT_DETACHEMENT, LISTES_PARTENAIRES, PORTEUR_TYPES, PORTE_PAR, PROVINCES, TIME_CATEGORY_CODES } from './enums.ts';
import { listChoices, optListValue } from './programme-lists.ts';
import { ActionSchema } from './action.ts';
import { ImputationSchema, BudgetVersionSchema, ConsommationSchema, JustificationSchema } from './finance.ts';
import { YearKey } from './indicator.ts';
import { TransferSchema } from './transfer.ts';
import { RowId, Version, email, isoDate, optBool, optDate, optEtp, optLong, optMedium, optShort, phone, scaledNumber, shortText } from './primitives.ts';

/**
 * The fiche plan (spec §1), section by section in form order, and the whole plan document.
 * Money is integer cents, percentages and ETP are hundredths; blank is null.
 */

const civilite = z.enum(CIVILITES).nullable().default(null);
const optPhone = phone.nullable().default(null);
const optEmail = email.nullable().default(null);

export const PorteurSchema = z
  .object({
    type: z.enum(PORTEUR_TYPES).nullable().default(null),
    /** Lead commune first; the other communes when the plan is carried by an association of local authorities. */
    communesAssociees: z.array(shortText.min(1)).max(262).default([]),
    porteParQui: z.enum(PORTE_PAR).nullable().default(null),
    dateApprobation: optDate,
    /** How the running header names the commune, e.g. "la Ville de Liège"; null = the commune's name. */
    denomination: optShort,
  })
  .strict();

export const PersonSchema = z.object({ civilite, nom: optShort, prenom: optShort, fonction: optShort }).strict();

export const IdentiteSchema = z
  .object({
    adresse: optMedium,
    representants: z.array(PersonSchema).max(10).default([]),
    telephone: optPhone,
    directeurFinancier: optShort,
    courriel: optEmail,
    siteInternet: optShort,
    population: z.number().int().min(0).max(10_000_000).nullable().default(null),
    province: z.enum(PROVINCES).nullable().default(null),
  })
  .strict();

export const EquipeSchema = z
  .object({
    adressePcs: optMedium,
    chefDeProjet: PersonSchema.default({ civilite: null, nom: null, prenom: null, fonction: null }),
    telephone: optPhone,
    gsm: optPhone,
    courriel1: optEmail,
    courriel2: optEmail,
    presidentCa: PersonSchema.default({ civilite: null, nom: null, prenom: null, fonction: null }),
    siteInternetPcs: optShort,
    facebookPcs: optShort,
  })
  .strict();

export const ChefDeProjetSchema = z
  .object({
    dateEntreeFonction: optDate,
    typeContrat: optListValue,
    typeContratAutre: optShort,
    etp: optEtp,
    engagementOuDetachement: z.enum(ENGAGEMENT_DETACHEMENT).nullable().default(null),
    autreFonction: optBool,
    anneesExperience: z.number().int().min(0).max(60).nullable().default(null),
    diplome: optListValue,
    diplomeAutre: optShort,
    orientation: optMedium,
  })
  .strict();

export const ServiceCitoyenSchema = z.object({ recours: optBool }).strict();

import { BudgetSchema, type Budget } from './budget.ts';
export { BudgetSchema, type Budget };

/** ISADF values are fractions between 0 and 1, kept in thousandths (0,10 → 100). */
const isadfValue = scaledNumber(3, 0, 1000).nullable().default(null);
export const IsadfSchema = z
  .object({
    annee: z.number().int().min(2000).max(2100).nullable().default(null),
    valeur: isadfValue,
    dimensions: z
      .array(z.object({ label: shortText.min(1), valeur: isadfValue }).strict())
      .max(30)
      .default([]),
  })
  .strict();

export const IndicateursPlanSchema = z
  .object({
    rows: z
      .array(z.object({ id: RowId, libelle: shortText.min(1), exAnte: optMedium, exPost: optMedium }).strict())
      .max(100)
      .default([]),
    remarque: optLong,
  })
  .strict();

export const TextesSchema = z
  .object({
    portrait: optLong,
    problemesBesoins: optLong,
    vision: optLong,
    plusValue: optLong,
    objectifStrategique: optLong,
    commentairesModifications: optLong,
  })
  .strict();

export const TeamMemberFieldsSchema = z
  .object({
    nomPrenom: shortText.min(1, 'Le nom est obligatoire'),
    fonction: optListValue,
    fonctionAutre: optShort,
    etp: scaledNumber(2, 0, 1_00).nullable().default(null),
  })
  .strict();

export const FormationFieldsSchema = z
  .object({
    thematique: shortText.min(1, 'La thématique est obligatoire'),
    annee: z.number().int().min(2000).max(2100).nullable().default(null),
    organisateur: optShort,
    /** Satisfaction from 1 to 10, like the form's other satisfaction scores. */
    satisfaction: z.number().int().min(1).max(10).nullable().default(null),
  })
  .strict();

export const CommissionsSchema = z.object({ dates: z.record(YearKey, z.array(isoDate).max(50)).default({}) }).strict();

export const ReunionOrganiseeFieldsSchema = z
  .object({
    thematique: shortText.min(1, 'La thématique est obligatoire'),
    roleChefDeProjet: optShort,
    dates: z.array(isoDate).max(200).default([]),
  })
  .strict();

export const ReunionInviteFieldsSchema = z
  .object({
    thematique: shortText.min(1, 'La thématique est obligatoire'),
    institution: optShort,
    plusValues: listChoices,
    dates: z.array(isoDate).max(200).default([]),
  })
  .strict();

export const CommunicationSchema = z
  .object({
    externe: listChoices,
    externeAutre: optShort,
    interne: listChoices,
    interneAutre: optShort,
  })
  .strict();

export const PartenaireFieldsSchema = z
  .object({
    liste: z.enum(LISTES_PARTENAIRES),
    nom: shortText.min(1, 'Le nom du partenaire est obligatoire'),
    champAction: optListValue,
    champActionAutre: optShort,
    telephone: optPhone,
    /** Plan actions this partner carries or takes part in (ids, not catalogue codes). */
    actionIds: z.array(RowId).max(200).default([]),
    courriels: z.array(email).max(20).default([]),
  })
  .strict();

/** Percent cells of the chef de projet's time: category → period ("ex-ante", a programme year, "ex-post"). */
export const TIME_PERIOD_EX_ANTE = 'ex-ante';
export const TIME_PERIOD_EX_POST = 'ex-post';
export const TimePeriodKey = z.union([z.literal(TIME_PERIOD_EX_ANTE), z.literal(TIME_PERIOD_EX_POST), YearKey]);
export const RepartitionTempsSchema = z.partialRecord(z.enum(TIME_CATEGORY_CODES), z.record(TimePeriodKey, scaledNumber(2, 0, 100_00).nullable()));

function listOf<T extends z.ZodRawShape>(fields: z.ZodObject<T>) {
  return z
    .array(fields.extend({ id: RowId, version: Version.default(0) }).strict())
    .max(500)
    .default([]);
}

/** Sections stored as one versioned unit each (edited with `PUT /api/plans/:id/sections/:section`). */
export const SECTION_SCHEMAS = {
  porteur: PorteurSchema,
  identite: IdentiteSchema,
  equipe: EquipeSchema,
  chefDeProjet: ChefDeProjetSchema,
  serviceCitoyen: ServiceCitoyenSchema,
  budget: BudgetSchema,
  isadf: IsadfSchema,
  indicateursPlan: IndicateursPlanSchema,
  textes: TextesSchema,
  commissions: CommissionsSchema,
  communication: CommunicationSchema,
} as const;
export type SectionKey = keyof typeof SECTION_SCHEMAS;
export const SECTION_KEYS = Object.keys(SECTION_SCHEMAS) as [SectionKey, ...SectionKey[]];

/** Lists of rows, each row versioned on its own. */
export const COLLECTION_SCHEMAS = {
  equipeMembres: TeamMemberFieldsSchema,
  formations: FormationFieldsSchema,
  reunionsOrganisees: ReunionOrganiseeFieldsSchema,
  reunionsInvite: ReunionInviteFieldsSchema,
  partenaires: PartenaireFieldsSchema,
} as const;
export type CollectionKey = keyof typeof COLLECTION_SCHEMAS;
export const COLLECTION_KEYS = Object.keys(COLLECTION_SCHEMAS) as [CollectionKey, ...CollectionKey[]];

export const PlanHeaderSchema = z
  .object({
    commune: shortText.min(1, 'Le nom de la commune est obligatoire').max(100),
    programmeId: z.string().regex(/^[a-z0-9-]{1,40}$/, 'Programme inconnu'),
  })
  .strict();

/**
 * The whole plan as one document: what `GET /api/plans/:id` answers and what a sample or an import provides.
 * Row ids inside a document are references within it (an action's transfer, a partner card's actions); an import
 * gives every row a fresh id.
 */
export const PlanDocumentSchema = PlanHeaderSchema.extend({
  porteur: PorteurSchema.default(PorteurSchema.parse({})),
  identite: IdentiteSchema.default(IdentiteSchema.parse({})),
  equipe: EquipeSchema.default(EquipeSchema.parse({})),
  chefDeProjet: ChefDeProjetSchema.default(ChefDeProjetSchema.parse({})),
  equipeMembres: listOf(TeamMemberFieldsSchema),
  serviceCitoyen: ServiceCitoyenSchema.default({ recours: null }),
  budget: BudgetSchema.default(BudgetSchema.parse({})),
  transferts: z.array(TransferSchema).max(500).default([]),
  consommation: ConsommationSchema.default({}),
  isadf: IsadfSchema.default(IsadfSchema.parse({})),
  indicateursPlan: IndicateursPlanSchema.default(IndicateursPlanSchema.parse({})),
  textes: TextesSchema.default(TextesSchema.parse({})),
  actions: z.array(ActionSchema).max(500).default([]),
  repartitionTemps: RepartitionTempsSchema.default({}),
  formations: listOf(FormationFieldsSchema),
  commissions: CommissionsSchema.default({ dates: {} }),
  reunionsOrganisees: listOf(ReunionOrganiseeFieldsSchema),
  reunionsInvite: listOf(ReunionInviteFieldsSchema),
  communication: CommunicationSchema.default(CommunicationSchema.parse({})),
  partenaires: listOf(PartenaireFieldsSchema),
  /** The finance officer's records: budget versions per year, E-compte imputations, justifications of findings. */
  budgetsAnnuels: z.array(BudgetVersionSchema).max(1000).default([]),
  imputations: z.array(ImputationSchema).max(20_000).default([]),
  justifications: z.array(JustificationSchema).max(2000).default([]),
}).strict();
export type PlanDocument = z.output<typeof PlanDocumentSchema>;
export type PlanDocumentInput = z.input<typeof PlanDocumentSchema>;

/** A stored plan: the document plus its id, timestamps and the version of each section. */
export type Plan = PlanDocument & {
  id: string;
  createdAt: string;
  updatedAt: string;
  versions: Record<SectionKey | 'header', number>;
  /** Versions of the time-share cells (category → period), the E-compte cells (year) and the yearly transfers
   * (transfer id → year); absent = 0. */
  cellVersions: {
    time: Record<string, Record<string, number>>;
    consumption: Record<string, number>;
    transfer: Record<string, Record<string, number>>;
  };
};

export type PlanSummary = {
  id: string;
  commune: string;
  programmeId: string;
  /** The commune or association the plan belongs to. */
  organisation: string | null;
  /** How the plan's porteur is named: the commune, « Association de communes … (commune pilote : …) », « CPAS de … ». */
  porteur: string;
  /** The person reads the plan without changing it (an officer of a member commune of the association carrying it). */
  lectureSeule: boolean;
  actionCount: number;
  updatedAt: string;
};
