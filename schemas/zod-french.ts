import type { z } from 'zod';

/**
 * The French message of every zod issue our schemas do not word themselves, for people reading an API error or a
 * form: what was expected and what was sent (« Nombre attendu, reçu : un texte »), never the library's raw words
 * (zod's own French locale still says « instance de File attendu, indéfini reçu »). The field itself is named by the
 * issue's path, which every error carries.
 */

const EXPECTED: Record<string, string> = {
  string: 'Texte attendu',
  number: 'Nombre attendu',
  int: 'Nombre entier attendu',
  bigint: 'Nombre entier attendu',
  boolean: 'Oui ou non (true / false) attendu',
  object: 'Objet attendu ({ … })',
  array: 'Liste attendue ([ … ])',
  tuple: 'Liste attendue ([ … ])',
  record: 'Objet attendu ({ … })',
  map: 'Objet attendu ({ … })',
  set: 'Liste attendue ([ … ])',
  date: 'Date attendue',
  null: 'Valeur vide (null) attendue',
  file: 'Fichier attendu',
  File: 'Fichier attendu',
  nan: 'Valeur non numérique attendue',
};

/** What was sent, in words: "un texte", "un nombre", "une liste"… */
export function describeInput(input: unknown): string {
  if (input === undefined) return 'rien';
  if (input === null) return 'une valeur vide (null)';
  if (typeof input === 'number') return Number.isNaN(input) ? 'une valeur qui n’est pas un nombre' : `le nombre ${input}`;
  if (typeof input === 'string') return input.length > 40 ? 'un texte' : `le texte « ${input} »`;
  if (typeof input === 'boolean') return input ? 'oui (true)' : 'non (false)';
  if (Array.isArray(input)) return 'une liste';
  if (typeof File !== 'undefined' && input instanceof File) return 'un fichier';
  if (typeof input === 'object') return 'un objet';
  return 'une valeur d’un autre type';
}

const quoted = (v: unknown) => `« ${String(v)} »`;

function listOf(values: readonly unknown[]): string {
  const shown = values.slice(0, 8).map(quoted).join(', ');
  return values.length > 8 ? `${shown}, … (${values.length} valeurs)` : shown;
}

function bound(inclusive: boolean | undefined, limit: unknown, at: 'max' | 'min'): string {
  const n = typeof limit === 'bigint' || typeof limit === 'number' ? limit.toString() : String(limit);
  if (at === 'max') return inclusive === false ? `moins de ${n}` : `au plus ${n}`;
  return inclusive === false ? `plus de ${n}` : `au moins ${n}`;
}

const FORMATS: Record<string, string> = {
  email: 'Adresse électronique non reconnue',
  url: 'Adresse web non reconnue',
  uuid: 'Identifiant non reconnu',
  date: 'Date non reconnue (AAAA-MM-JJ attendu)',
  datetime: 'Date et heure non reconnues (AAAA-MM-JJTHH:MM:SS attendu)',
  time: 'Heure non reconnue (HH:MM attendu)',
  regex: 'Format non reconnu',
};

export const frenchErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'Champ obligatoire : il manque';
      const expected = EXPECTED[issue.expected] ?? 'Valeur d’un autre type attendue';
      return `${expected}, reçu : ${describeInput(issue.input)}`;
    }
    case 'invalid_value':
      if (issue.values.length === 1) return `Valeur attendue : ${quoted(issue.values[0])}, reçu : ${describeInput(issue.input)}`;
      return `Valeur non reconnue${issue.input === undefined ? '' : ` ${quoted(issue.input)}`} : choisissez parmi ${listOf(issue.values)}`;
    case 'too_big': {
      const limit = bound(issue.inclusive, issue.maximum, 'max');
      if (issue.origin === 'string') return `Texte trop long : ${limit} caractères`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Trop d’éléments : ${limit}`;
      if (issue.origin === 'file') return `Fichier trop volumineux : ${limit} octets`;
      return `Valeur trop grande : ${limit}`;
    }
    case 'too_small': {
      const limit = bound(issue.inclusive, issue.minimum, 'min');
      if (issue.origin === 'string')
        return Number(issue.minimum) === 1 && issue.inclusive !== false ? 'Ce champ ne peut pas être vide' : `Texte trop court : ${limit} caractères`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return Number(issue.minimum) === 1 ? 'La liste ne peut pas être vide' : `Trop peu d’éléments : ${limit}`;
      return `Valeur trop petite : ${limit}`;
    }
    case 'invalid_format':
      return FORMATS[issue.format] ?? `Format non reconnu (${issue.format})`;
    case 'not_multiple_of':
      return `La valeur doit être un multiple de ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `${issue.keys.length > 1 ? 'Champs inconnus' : 'Champ inconnu'} : ${issue.keys.join(', ')}`;
    case 'invalid_key':
      return 'Clé non reconnue';
    case 'invalid_union':
      return `Valeur non reconnue, reçu : ${describeInput(issue.input)}`;
    case 'invalid_element':
      return 'Élément non reconnu';
    default:
      return 'Valeur refusée';
  }
};
