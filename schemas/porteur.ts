import { z } from 'zod';
import type { PORTEUR_TYPES, PORTE_PAR } from './enums.ts';
import { formatBelgianNumber } from './numbers.ts';
import { RowId, Version, scaledNumber, shortText } from './primitives.ts';

/**
 * Who carries a plan (decree of 22 November 2018, art. 8 and 9): a commune, an association of communes (a lead
 * commune, « commune pilote », and member communes, each with its ISADF and population: the subsidy and the 25 %
 * rule are computed for the whole), or a CPAS the commune delegated its plan to (art. 20 then booked on function
 * 80111). The organisation is the account side (who works for whom); the plan's « porteur » section is the form's
 * side, prefilled from the organisation when the plan is created. One function names the porteur everywhere.
 */

export const ORGANISATION_KINDS = ['commune', 'association', 'cpas'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
export const ORGANISATION_KIND_LABELS: Record<OrganisationKind, string> = {
  commune: 'Commune',
  association: 'Association de communes',
  cpas: 'CPAS (plan délégué)',
};

/** At least two communes make an association. */
export const MIN_ASSOCIATION_MEMBERS = 2;
/** Wallonia counts 262 communes. */
export const MAX_ASSOCIATION_MEMBERS = 262;

/** One commune of an association: its ISADF in thousandths (0,100 → 100) and its population, blank when not known. */
export const OrganisationMemberSchema = z
  .object({
    commune: shortText.min(1, 'Indiquez le nom de la commune').max(100, 'Nom trop long (100 caractères au plus)'),
    isadf: scaledNumber(3, 0, 1000).nullable().default(null),
    population: z
      .number({ error: 'Nombre d’habitants attendu' })
      .int('Nombre entier d’habitants attendu')
      .min(0, 'La population ne peut pas être négative')
      .max(10_000_000, 'Population trop grande')
      .nullable()
      .default(null),
    pilote: z.boolean().default(false),
  })
  .strict();
export type OrganisationMember = z.output<typeof OrganisationMemberSchema>;

const nomField = shortText.min(1, 'Indiquez le nom').max(120, 'Nom trop long (120 caractères au plus)');

/** What an administrator or the DiCS types: the kind, the name, the commune (commune, CPAS) or the members (association). */
export const OrganisationFieldsSchema = z
  .object({
    nature: z.enum(ORGANISATION_KINDS, { error: 'Nature attendue : commune, association ou cpas' }),
    nom: nomField,
    /** The commune itself, or the commune of the CPAS; none for an association (its communes are its members). */
    commune: shortText.max(100, 'Nom trop long (100 caractères au plus)').nullable().default(null),
    membres: z.array(OrganisationMemberSchema).max(MAX_ASSOCIATION_MEMBERS, `Au plus ${MAX_ASSOCIATION_MEMBERS} communes`).default([]),
  })
  .strict()
  .superRefine((o, ctx) => {
    for (const issue of organisationIssues(o)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type OrganisationFields = z.output<typeof OrganisationFieldsSchema>;
export type OrganisationFieldsInput = z.input<typeof OrganisationFieldsSchema>;

/** A stored organisation, as `GET /api/organisations` answers it. */
export type Organisation = OrganisationFields & {
  id: string;
  version: number;
  /** Plans carried by it (id, programme). */
  plans: { id: string; programmeId: string }[];
  /** People working for it (accounts). */
  comptes: number;
};
export const OrganisationIdSchema = RowId;
export const OrganisationVersionSchema = Version;

/**
 * The rules of an organisation, each issue on its field: a commune or CPAS names its commune and has no members;
 * an association has no commune of its own, at least two distinct member communes and exactly one lead commune.
 */
export function organisationIssues(o: Pick<OrganisationFields, 'nature' | 'commune' | 'membres'>): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (o.nature !== 'association') {
    if (o.nature === 'cpas' && !o.commune) issues.push({ path: ['commune'], message: 'Indiquez la commune dont le CPAS porte le plan' });
    if (o.membres.length) issues.push({ path: ['membres'], message: 'Seule une association de communes a des communes membres' });
    return issues;
  }
  if (o.commune) issues.push({ path: ['commune'], message: 'Une association n’a pas de commune propre : indiquez ses communes membres' });
  if (o.membres.length < MIN_ASSOCIATION_MEMBERS) {
    issues.push({ path: ['membres'], message: `Une association compte au moins ${MIN_ASSOCIATION_MEMBERS} communes membres` });
  }
  const pilotes = o.membres.filter((m) => m.pilote).length;
  if (o.membres.length && pilotes !== 1) {
    issues.push({
      path: ['membres'],
      message: pilotes ? `Une seule commune pilote (${pilotes} sont cochées)` : 'Cochez la commune pilote de l’association',
    });
  }
  const seen = new Set<string>();
  o.membres.forEach((m, i) => {
    const key = normaliseCommune(m.commune);
    if (seen.has(key)) issues.push({ path: ['membres', i, 'commune'], message: `« ${m.commune} » figure déjà parmi les communes membres` });
    seen.add(key);
  });
  return issues;
}

/** The members with the lead commune first (the order of the form's « communes associées »). */
export function membersPiloteFirst(membres: readonly OrganisationMember[]): OrganisationMember[] {
  return [...membres.filter((m) => m.pilote), ...membres.filter((m) => !m.pilote)];
}

/** The commune an organisation speaks for: its own commune, else its name (a commune named after itself). */
export function communeOfOrganisation(o: { nom: string; commune: string | null }): string {
  return o.commune ?? o.nom;
}

/** The members' totals: population summed (blank if any is blank), the count of communes. */
export function associationTotals(membres: readonly Pick<OrganisationMember, 'population'>[]): { communes: number; population: number | null } {
  const known = membres.every((m) => m.population !== null);
  return { communes: membres.length, population: known && membres.length ? membres.reduce((s, m) => s + (m.population ?? 0), 0) : null };
}

// ——— The plan's porteur section ————————————————————————————————————————————————————————————————————————————

/** The porteur section of a plan, as far as naming it goes. */
export type PorteurSection = {
  type: (typeof PORTEUR_TYPES)[number] | null;
  communesAssociees: readonly string[];
  porteParQui: (typeof PORTE_PAR)[number] | null;
  denomination: string | null;
};

/** The kind of porteur a plan's section describes: an association, a CPAS, else a commune. */
export function porteurKindOf(porteur: Pick<PorteurSection, 'type' | 'porteParQui'>): OrganisationKind {
  if (porteur.type === 'Une association de pouvoirs locaux') return 'association';
  return porteur.porteParQui === 'Le CPAS' ? 'cpas' : 'commune';
}

/**
 * How headers, covers, the XLSX running header and the PDF name the porteur: « la Ville de Liège » (a commune: its
 * denomination, else its name), « Association de communes Hesbaye (commune pilote : Waremme) », « CPAS de Namur ».
 */
export function porteurName(plan: { commune: string; porteur: PorteurSection }): string {
  const { porteur } = plan;
  switch (porteurKindOf(porteur)) {
    case 'association': {
      const nom = porteur.denomination ?? plan.commune;
      const titled = /^association\b/i.test(nom) ? nom : `Association de communes ${nom}`;
      const pilote = porteur.communesAssociees[0];
      return pilote ? `${titled} (commune pilote : ${pilote})` : titled;
    }
    case 'cpas':
      return `CPAS ${ofCommune(porteur.communesAssociees[0] ?? plan.commune)}`;
    case 'commune':
      return porteur.denomination ?? plan.commune;
  }
}

/** The running header of every sheet and page: « Plan de Cohésion sociale de la Commune (commune porteuse) de … ». */
export function porteurHeader(plan: { commune: string; porteur: PorteurSection }): string {
  const name = porteurName(plan);
  switch (porteurKindOf(plan.porteur)) {
    case 'association':
      return `Plan de Cohésion sociale de l’${name}`;
    case 'cpas':
      return `Plan de Cohésion sociale du ${name}`;
    case 'commune':
      return `Plan de Cohésion sociale de la Commune (commune porteuse) de ${name}`;
  }
}

/** The plan's short title in the interface: the commune's name for a commune, else the porteur's full name. */
export function porteurTitle(plan: { commune: string; porteur: PorteurSection }): string {
  return porteurKindOf(plan.porteur) === 'commune' ? plan.commune : porteurName(plan);
}

/** « de Namur », « d’Anderlues », « d’Yvoir »: « de » elided before a vowel (not before an h: « CPAS de Huy », as used). */
export function ofCommune(commune: string): string {
  return /^[aeiouyàâäéèêëîïôöùûü]/i.test(commune) ? `d’${commune}` : `de ${commune}`;
}

/** The label of the porteur's line on a cover: « Commune », « Association de communes », « CPAS ». */
export function porteurLabel(porteur: Pick<PorteurSection, 'type' | 'porteParQui'>): string {
  const kind = porteurKindOf(porteur);
  return kind === 'cpas' ? 'CPAS' : ORGANISATION_KIND_LABELS[kind];
}

/**
 * The porteur section and commune of a new plan of an organisation: an association lists its communes lead first
 * and is named after itself; a CPAS is carried « par le CPAS » of its commune; a commune by itself.
 */
export function porteurOfOrganisation(o: Pick<OrganisationFields, 'nature' | 'nom' | 'commune' | 'membres'>): {
  commune: string;
  porteur: PorteurSection;
} {
  switch (o.nature) {
    case 'association':
      return {
        commune: o.nom,
        porteur: {
          type: 'Une association de pouvoirs locaux',
          communesAssociees: membersPiloteFirst(o.membres).map((m) => m.commune),
          porteParQui: 'La commune',
          denomination: o.nom,
        },
      };
    case 'cpas':
      return {
        commune: communeOfOrganisation(o),
        porteur: { type: 'Un seul pouvoir local', communesAssociees: [communeOfOrganisation(o)], porteParQui: 'Le CPAS', denomination: null },
      };
    case 'commune':
      return {
        commune: communeOfOrganisation(o),
        porteur: { type: 'Un seul pouvoir local', communesAssociees: [communeOfOrganisation(o)], porteParQui: 'La commune', denomination: null },
      };
  }
}

/** « 0,123 » for an ISADF in thousandths; « — » when blank. */
export function formatIsadf(thousandths: number | null): string {
  return thousandths === null ? '—' : formatBelgianNumber(thousandths, 3);
}

/** A commune's name without case, accents and repeated spaces, to compare names typed by people. */
export function normaliseCommune(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
