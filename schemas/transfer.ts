import { z } from 'zod';
import { YearKey } from './indicator.ts';
import { MAX_CENTS } from './numbers.ts';
import { RowId, Version, optBool, optCents, scaledNumber, shortText } from './primitives.ts';

/**
 * A transfer of the fiche plan to a partner: the annual amount of the form and, per programme year, the amount the
 * finance officer records. Its own module because the budget figures, the finance rules and the plan document all
 * read it, and none of them may import the others in a circle.
 */

/** Amount per programme year transferred to a partner; a blank year means the annual amount of the fiche plan. */
export const TransferYearsSchema = z.record(YearKey, scaledNumber(2, 0, MAX_CENTS).nullable());

export const TransferFieldsSchema = z
  .object({
    partenaire: shortText.min(1, 'Le nom du partenaire est obligatoire'),
    art20: optBool,
    montant: optCents,
  })
  .strict();
export const TransferSchema = TransferFieldsSchema.extend({
  id: RowId,
  version: Version.default(0),
  /** Amount transferred per programme year (cells, versioned one by one); a blank year = the annual `montant`. */
  parAnnee: TransferYearsSchema.default({}),
}).strict();
export type Transfer = z.output<typeof TransferSchema>;
