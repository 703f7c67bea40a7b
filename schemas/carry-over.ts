import type { Catalogue, CatalogueAction } from './reference.ts';

/**
 * Carrying a plan over to the next programme (« Préparer le plan suivant »): each fiche of the old plan is proposed a
 * code of the new programme's catalogue, which the person confirms or changes. The rules, in order:
 *
 * 1. the same code, when the new catalogue has it with the same or a similar intitulé (words in common ≥
 *    `SAME_CODE_MIN_SCORE`), or with any intitulé when the old one is unknown (a code outside the old catalogue);
 * 2. else the entry of the new catalogue whose intitulé and objectif share the most words with the old ones
 *    (accents, case, plural `s`/`x` and French stop words ignored; the intitulé weighs more than the objectif),
 *    when its score reaches `MIN_SCORE`; among equal scores the first in catalogue order;
 * 3. else nothing: the fiche is listed as unmapped, and the person picks a code or leaves the fiche behind.
 *
 * Scores are whole percents (0-100) so that the same plan always gets the same proposal.
 */

/** A code kept when its intitulé shares at least this share of words with the old one. */
export const SAME_CODE_MIN_SCORE = 50;
/** Below this score a match by words is no match: the fiche is unmapped. */
export const MIN_SCORE = 30;
/** Weight of the intitulé against the objectif in a match by words (the rest goes to intitulé + objectif together). */
const INTITULE_WEIGHT = 0.7;

const STOP_WORDS = new Set(
  (
    'a au aux avec ce ces cet cette dans de des du en et la le les leur leurs l d un une par pour sur ou ne pas plus son sa ses se qui que ' +
    'quoi dont est sont etre afin entre vers chez via tout tous toute toutes autre autres etc'
  ).split(' '),
);

/** The meaningful words of a text: lower case, without accents, stop words, plural ending or words under 3 letters. */
export function significantWords(text: string | null | undefined): Set<string> {
  const words = (text ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !STOP_WORDS.has(w))
    .map((w) => (w.length > 3 && /[sx]$/.test(w) ? w.slice(0, -1) : w));
  return new Set(words);
}

/** Share of words two texts have in common (Dice coefficient), as a whole percent; 0 when either has none. */
export function wordSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size || !b.size) return 0;
  let common = 0;
  for (const w of a) if (b.has(w)) common++;
  return Math.round((200 * common) / (a.size + b.size));
}

/** How a suggestion was found: the same code kept, or the best match by words. */
export const SUGGESTION_BASES = ['code', 'texte'] as const;
export type SuggestionBasis = (typeof SUGGESTION_BASES)[number];

export type CodeSuggestion = { code: string; intitule: string; score: number; basis: SuggestionBasis };

/** What the rules need of an old fiche: its code, and the catalogue entry it had (null when not in the old catalogue). */
export type OldFiche = { code: string; intitule: string | null; objectif: string | null };

/** The score of a new catalogue entry for an old fiche: intitulé against intitulé, then everything against everything. */
function matchScore(old: OldFiche, entry: CatalogueAction): number {
  const byTitle = wordSimilarity(significantWords(old.intitule), significantWords(entry.intitule));
  const all = wordSimilarity(significantWords(`${old.intitule ?? ''} ${old.objectif ?? ''}`), significantWords(`${entry.intitule} ${entry.objectif ?? ''}`));
  return Math.round(INTITULE_WEIGHT * byTitle + (1 - INTITULE_WEIGHT) * all);
}

/** The code of the new catalogue proposed for one old fiche (rules above), or null when nothing is close. */
export function suggestCode(old: OldFiche, target: Catalogue): CodeSuggestion | null {
  const same = target.actions.find((a) => a.code === old.code);
  if (same) {
    if (old.intitule === null) return { code: same.code, intitule: same.intitule, score: 0, basis: 'code' };
    const score = wordSimilarity(significantWords(old.intitule), significantWords(same.intitule));
    if (score >= SAME_CODE_MIN_SCORE) return { code: same.code, intitule: same.intitule, score, basis: 'code' };
  }
  if (old.intitule === null && old.objectif === null) return null;
  let best: CodeSuggestion | null = null;
  for (const entry of target.actions) {
    const score = matchScore(old, entry);
    if (score >= MIN_SCORE && (!best || score > best.score)) best = { code: entry.code, intitule: entry.intitule, score, basis: 'texte' };
  }
  return best;
}

/** One fiche of the old plan as the preparation lists it. */
export type CarryOverLine = {
  actionId: string;
  /** Its code in the old programme's catalogue, with that catalogue's intitulé (null when the code is not in it). */
  code: string;
  intitule: string | null;
  /** Who carries it (« équipe PCS », the organisme), to tell apart fiches sharing a code. */
  operateur: string | null;
  suggestion: CodeSuggestion | null;
};

/** The proposal for every fiche of the old plan, in plan order, read against the old and the new catalogue. */
export function proposeCarryOver(
  actions: readonly { id: string; code: string; fiche: { operateur: { organisme: string | null; equipePcs: boolean } } }[],
  oldCatalogue: Catalogue,
  target: Catalogue,
): CarryOverLine[] {
  return actions.map((a) => {
    const entry = oldCatalogue.actions.find((e) => e.code === a.code) ?? null;
    const op = a.fiche.operateur;
    return {
      actionId: a.id,
      code: a.code,
      intitule: entry?.intitule ?? null,
      operateur: op.organisme ?? (op.equipePcs ? 'équipe PCS' : null),
      suggestion: suggestCode({ code: a.code, intitule: entry?.intitule ?? null, objectif: entry?.objectif ?? null }, target),
    };
  });
}

/** The last actual of an indicator over the given years (the latest year that has one), or null when none was reported. */
export function lastKnownActual(
  values: Readonly<Record<string, { actual: number | null } | undefined>>,
  years: readonly number[],
): { annee: number; valeur: number } | null {
  for (let i = years.length - 1; i >= 0; i--) {
    const actual = values[String(years[i])]?.actual ?? null;
    if (actual !== null) return { annee: years[i]!, valeur: actual };
  }
  return null;
}
