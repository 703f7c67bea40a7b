import { z } from 'zod';
import { MAX_CENTS, formatBelgianNumber, parseBelgianNumber } from './numbers.ts';
import { frenchErrorMap } from './zod-french.ts';

// French messages for every zod error, wherever the schemas run (server, CLI, browser).
z.config({ localeError: frenchErrorMap });

/**
 * Building blocks of every schema. Text is bounded (a 100 000-character string is refused, not stored), blank
 * values are `null`, and numbers travel as integers in their minor unit (see numbers.ts). A number may also be
 * sent as a Belgian-formatted string (`"1.234,56"`), parsed by the same shared parser as the grid.
 */

export const RowId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Identifiant invalide (lettres, chiffres, - et _ ; 64 caractères au plus)');
export const Version = z.number().int().min(0);

export const shortText = z.string().trim().max(300, 'Texte trop long (300 caractères au plus)');
export const mediumText = z
  .string()
  .trim()
  .max(2000, `Texte trop long (${formatBelgianNumber(2000, 0)} caractères au plus)`);
export const longText = z.string().max(20_000, `Texte trop long (${formatBelgianNumber(20_000, 0)} caractères au plus)`);

export const optShort = shortText.nullable().default(null);
export const optMedium = mediumText.nullable().default(null);
export const optLong = longText.nullable().default(null);
export const optBool = z.boolean().nullable().default(null);
export const isoDate = z.iso.date('Date attendue au format AAAA-MM-JJ');
export const optDate = isoDate.nullable().default(null);
export const email = z.email('Adresse électronique invalide').max(254);
export const phone = z
  .string()
  .trim()
  .max(40, 'Numéro trop long')
  .regex(/^[0-9+()/.\s-]*$/, 'Numéro de téléphone invalide (chiffres, espaces, + / . - uniquement)');

/**
 * An integer in minor units with bounds, or a Belgian string parsed to it. One transform handles both forms so
 * that each refusal keeps its own French message (a union would reduce them to "Entrée invalide").
 */
export function scaledNumber(scale: number, min: number, max: number) {
  return z.union([z.number(), z.string().max(40, 'Nombre trop long')], { error: 'Nombre attendu' }).transform((input, ctx) => {
    let value: number;
    if (typeof input === 'number') {
      if (!Number.isInteger(input)) {
        ctx.addIssue({ code: 'custom', message: 'Nombre entier attendu, en unités mineures (centimes, centièmes)' });
        return z.NEVER;
      }
      value = input;
    } else {
      const r = parseBelgianNumber(input, scale);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: r.message });
        return z.NEVER;
      }
      value = r.value;
    }
    if (value < min) {
      ctx.addIssue({ code: 'custom', message: min === 0 ? 'La valeur ne peut pas être négative' : 'Valeur trop petite' });
      return z.NEVER;
    }
    if (value > max) {
      ctx.addIssue({ code: 'custom', message: 'Valeur trop grande' });
      return z.NEVER;
    }
    return value;
  });
}

/** Money in integer cents (≥ 0), blank = null. */
export const cents = scaledNumber(2, 0, MAX_CENTS);
export const optCents = cents.nullable().default(null);
/** Percent in hundredths of a percent, 0-100 %. */
export const percentHundredths = scaledNumber(2, 0, 100_00);
export const optPercent = percentHundredths.nullable().default(null);
/** ETP in hundredths (0,8 ETP → 80). */
export const etpHundredths = scaledNumber(2, 0, 100_000_00);
export const optEtp = etpHundredths.nullable().default(null);
