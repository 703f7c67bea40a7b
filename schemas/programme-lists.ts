import { z } from 'zod';
import {
  CADRES_EXISTANTS,
  CHAMPS_ACTION_PARTENAIRE,
  DEGRES_IMPLICATION,
  DEMARCHES_PARTICIPATION,
  DIPLOMES,
  FONCTIONS_EQUIPE,
  FREQUENCES,
  MODES_COMMUNICATION_ACTION,
  MODES_COMMUNICATION_EXTERNE,
  MODES_COMMUNICATION_INTERNE,
  PLUS_VALUES_REUNIONS,
  TYPES_ACTION,
  TYPES_CONTRAT,
} from './enums.ts';

/**
 * The closed lists of the form that a programme may word its own way (the next form names the previous programme
 * in "Inscrite dans PCS 3", may add a frequency or a team function…). Only lists stored as text inside fiches and
 * sections are here: those the database enforces with a CHECK (statut, droit visé, indicator categories and units)
 * and those of the porteur's identity (civilité, province, type de porteur) are the same for every programme.
 * A programme that does not give a list keeps the form's values of schemas/enums.ts.
 */
export const PROGRAMME_LIST_DEFAULTS = {
  degresImplication: DEGRES_IMPLICATION,
  cadresExistants: CADRES_EXISTANTS,
  demarchesParticipation: DEMARCHES_PARTICIPATION,
  typesAction: TYPES_ACTION,
  frequences: FREQUENCES,
  modesCommunicationAction: MODES_COMMUNICATION_ACTION,
  modesCommunicationExterne: MODES_COMMUNICATION_EXTERNE,
  modesCommunicationInterne: MODES_COMMUNICATION_INTERNE,
  fonctionsEquipe: FONCTIONS_EQUIPE,
  typesContrat: TYPES_CONTRAT,
  diplomes: DIPLOMES,
  plusValuesReunions: PLUS_VALUES_REUNIONS,
  champsActionPartenaire: CHAMPS_ACTION_PARTENAIRE,
} as const satisfies Record<string, readonly string[]>;
export type ProgrammeListName = keyof typeof PROGRAMME_LIST_DEFAULTS;
export const PROGRAMME_LIST_NAMES = Object.keys(PROGRAMME_LIST_DEFAULTS) as [ProgrammeListName, ...ProgrammeListName[]];
export type ProgrammeLists = Record<ProgrammeListName, readonly string[]>;

/** The longest value of a list (a degree of involvement is a sentence). */
export const MAX_LIST_VALUE_LENGTH = 300;
/** The most values a multiple choice of a programme list may hold. */
export const MAX_LIST_CHOICES = 60;

/** A value of a programme list as zod sees it: any short text; the plan's programme decides which ones (schemas/integrity.ts). */
export const listValue = z.string().trim().min(1).max(MAX_LIST_VALUE_LENGTH);
export const optListValue = listValue.nullable().default(null);
/** A multiple choice of a programme list. */
export const listChoices = z.array(listValue).max(MAX_LIST_CHOICES).default([]);

const ProgrammeListSchema = z
  .array(listValue)
  .min(1)
  .max(MAX_LIST_CHOICES)
  .refine((values) => new Set(values).size === values.length, { message: 'Une valeur figure deux fois dans la liste' });

/** The `listes` of a programme definition: the lists it words its own way, by name. */
export const ProgrammeListsSchema = z.partialRecord(z.enum(PROGRAMME_LIST_NAMES), ProgrammeListSchema);
export type ProgrammeListsInput = z.infer<typeof ProgrammeListsSchema>;

/** Every list of the programme: its own values where it gives them, the form's defaults elsewhere. */
export function listsOf(programme: { listes?: ProgrammeListsInput | undefined }): ProgrammeLists {
  const lists: Partial<Record<ProgrammeListName, readonly string[]>> = {};
  for (const name of PROGRAMME_LIST_NAMES) lists[name] = programme.listes?.[name] ?? PROGRAMME_LIST_DEFAULTS[name];
  return lists as ProgrammeLists;
}

/**
 * Where each list is used in a plan document, as the audit trail names the value (`*` for a row id), and whether the
 * field holds one value or several.
 */
export const LIST_FIELDS: readonly { pattern: readonly string[]; list: ProgrammeListName; multiple: boolean }[] = [
  { pattern: ['actions', '*', 'fiche', 'degreImplication'], list: 'degresImplication', multiple: false },
  { pattern: ['actions', '*', 'fiche', 'cadreExistant'], list: 'cadresExistants', multiple: false },
  { pattern: ['actions', '*', 'fiche', 'participationDemarche'], list: 'demarchesParticipation', multiple: false },
  { pattern: ['actions', '*', 'fiche', 'typeAction'], list: 'typesAction', multiple: false },
  { pattern: ['actions', '*', 'fiche', 'calendrier', 'frequence'], list: 'frequences', multiple: false },
  { pattern: ['actions', '*', 'fiche', 'communication', 'modes'], list: 'modesCommunicationAction', multiple: true },
  { pattern: ['communication', 'externe'], list: 'modesCommunicationExterne', multiple: true },
  { pattern: ['communication', 'interne'], list: 'modesCommunicationInterne', multiple: true },
  { pattern: ['equipeMembres', '*', 'fonction'], list: 'fonctionsEquipe', multiple: false },
  { pattern: ['chefDeProjet', 'typeContrat'], list: 'typesContrat', multiple: false },
  { pattern: ['chefDeProjet', 'diplome'], list: 'diplomes', multiple: false },
  { pattern: ['reunionsInvite', '*', 'plusValues'], list: 'plusValuesReunions', multiple: true },
  { pattern: ['partenaires', '*', 'champAction'], list: 'champsActionPartenaire', multiple: false },
];

/** The list field a path (split in parts, rows by id) names, or null. */
export function listFieldOf(parts: readonly string[]): (typeof LIST_FIELDS)[number] | null {
  return LIST_FIELDS.find((f) => f.pattern.length === parts.length && f.pattern.every((p, i) => p === '*' || p === parts[i])) ?? null;
}

/**
 * Takes out of a plan document (rows as arrays) every list value the programme's lists do not hold — a fiche carried
 * to the next programme keeps « Inscrite dans PCS 2 » only if that programme still offers it. Answers how many values
 * were taken out; the document is changed in place.
 */
export function dropValuesOutsideLists(doc: Record<string, unknown>, programme: { listes?: ProgrammeListsInput | undefined }): number {
  const lists = listsOf(programme);
  let dropped = 0;
  const visit = (node: unknown, rest: readonly string[], field: (typeof LIST_FIELDS)[number]): void => {
    if (node === null || typeof node !== 'object') return;
    const [part, ...tail] = rest;
    if (part === undefined) return;
    if (part === '*') {
      if (Array.isArray(node)) for (const item of node) visit(item, tail, field);
      return;
    }
    const record = node as Record<string, unknown>;
    if (tail.length) {
      visit(record[part], tail, field);
      return;
    }
    const allowed = lists[field.list];
    const value = record[part];
    if (field.multiple && Array.isArray(value)) {
      const kept = value.filter((v) => allowed.includes(String(v)));
      dropped += value.length - kept.length;
      record[part] = kept;
    } else if (typeof value === 'string' && !allowed.includes(value)) {
      dropped += 1;
      record[part] = null;
    }
  };
  for (const field of LIST_FIELDS) visit(doc, field.pattern, field);
  return dropped;
}
