import { z } from 'zod';
import { DROIT_VISE_LABELS, PUBLICS_CIBLES, PUBLIC_DIMENSIONS, STATUTS_ACTION } from './enums.ts';
import { listChoices, optListValue } from './programme-lists.ts';
import { IndicatorSchema } from './indicator.ts';
import { ACTION_CODE_PATTERN } from './reference.ts';
import { RowId, Version, optBool, optDate, optLong, optMedium, optShort, shortText } from './primitives.ts';

/**
 * A plan action: one row of the "Liste des actions" and its fiche action. The catalogue code (`A.T.NN`) is not an
 * identifier: several actions of one plan may share a code and differ by their operator, so each has its own id.
 */

export const ActionListFieldsSchema = z
  .object({
    /**
     * Catalogue code `A.T.NN` (axe, thématique, number: `1.3.03`). A code of that form absent from the catalogue is
     * kept and reported by the checks; any other text is refused (it names a sheet and a file, and is never a formula).
     */
    code: z
      .string()
      .trim()
      .min(1, 'Le code de l’action est obligatoire')
      .regex(ACTION_CODE_PATTERN, 'Le code de l’action doit avoir la forme du catalogue A.T.NN (axe, thématique, numéro : par ex. 1.3.03)'),
    statut: z.enum(STATUTS_ACTION).nullable().default(null),
    droitVise: z.enum(DROIT_VISE_LABELS).nullable().default(null),
    priorite: z.number().int().min(1).max(99).nullable().default(null),
  })
  .strict();

export const OperateurSchema = z
  .object({
    /** True when the PCS team itself carries the action. */
    equipePcs: z.boolean().default(false),
    organisme: optShort,
    personneContact: optShort,
    coordonnees: optMedium,
    /** The partner transfer ("Ventilation des transferts") that funds this operator for this action. */
    transferId: RowId.nullable().default(null),
  })
  .strict();

export const AutrePartenaireSchema = z.object({ id: RowId, nom: shortText.min(1, 'Le nom du partenaire est obligatoire'), contribution: optMedium }).strict();

export const PublicCibleSchema = z
  .object({
    id: RowId,
    dimension: z.enum(PUBLIC_DIMENSIONS),
    valeur: z.string().max(200).nullable().default(null),
    /** Free precision when the value is "Autre". */
    autre: optShort,
  })
  .strict()
  .superRefine((p, ctx) => {
    const allowed: readonly string[] = PUBLICS_CIBLES[p.dimension];
    if (allowed.length === 0) {
      if (p.valeur !== null) ctx.addIssue({ code: 'custom', path: ['valeur'], message: `« ${p.dimension} » n'admet pas de précision` });
    } else if (p.valeur === null) {
      ctx.addIssue({ code: 'custom', path: ['valeur'], message: 'Précisez le public visé' });
    } else if (!allowed.includes(p.valeur)) {
      ctx.addIssue({
        code: 'custom',
        path: ['valeur'],
        message: `« ${p.valeur} » n'est pas une valeur permise pour « ${p.dimension} »`,
      });
    }
  });

/** The baseline of one indicator of the fiche: the last actual of the previous programme (see `FicheSchema`). */
export const ValeurDeReferenceSchema = z.object({ indicatorId: RowId, annee: z.number().int().min(2000).max(2100), valeur: z.number().int() }).strict();
export type ValeurDeReference = z.output<typeof ValeurDeReferenceSchema>;

export const FicheSchema = z
  .object({
    problemesBesoins: optLong,
    degreImplication: optListValue,
    conventionPartenariat: optBool,
    art20: optBool,
    existeDeja: optBool,
    cadreExistant: optListValue,
    plusValue: optLong,
    participationCitoyenne: optBool,
    participationDemarche: optListValue,
    participationDemarchePrecision: optShort,
    solidarite: optLong,
    gratuite: optBool,
    gratuiteCommentaire: optMedium,
    luttePauvreteDirecte: optBool,
    luttePauvreteJustification: optLong,
    operateur: OperateurSchema.default(OperateurSchema.parse({})),
    autresPartenaires: z.array(AutrePartenaireSchema).max(200).default([]),
    communication: z
      .object({
        modes: listChoices,
        autre: optShort,
      })
      .strict()
      .default({ modes: [], autre: null }),
    publics: z.array(PublicCibleSchema).max(200).default([]),
    typeAction: optListValue,
    description: optLong,
    moyensLogistiques: optLong,
    commentairesEcarts: optLong,
    supracommunal: z
      .object({ active: optBool, communes: z.array(shortText.min(1)).max(262).default([]) })
      .strict()
      .default({ active: null, communes: [] }),
    justificationModifications: optLong,
    /**
     * Baselines of the fiche's indicators when the plan was prepared from the previous programme's plan: the last
     * actual reported there (in the indicator's minor unit) and its year. Kept in the fiche rather than in the
     * indicator row because it is a fact about the fiche's past, read once, never aggregated with the programme's years.
     */
    valeursDeReference: z.array(ValeurDeReferenceSchema).max(200).default([]),
    calendrier: z
      .object({
        frequence: optListValue,
        frequenceAutre: optShort,
        surLaDureeDuPlan: optBool,
        debut: optDate,
        fin: optDate,
      })
      .strict()
      .default({ frequence: null, frequenceAutre: null, surLaDureeDuPlan: null, debut: null, fin: null }),
  })
  .strict();
export type Fiche = z.output<typeof FicheSchema>;

/** What an edit of an action sends: the list fields and the whole fiche body (indicators have their own routes). */
export const ActionEditSchema = ActionListFieldsSchema.extend({ fiche: FicheSchema.default(FicheSchema.parse({})) }).strict();
export type ActionEdit = z.output<typeof ActionEditSchema>;

export const ActionSchema = ActionEditSchema.extend({
  id: RowId,
  version: Version.default(0),
  indicators: z.array(IndicatorSchema).max(200).default([]),
}).strict();
export type Action = z.output<typeof ActionSchema>;
export type ActionInput = z.input<typeof ActionSchema>;

/** "Fiche 1.3.03 (CPAS de Liège - SADA)": how people name an action. */
export function describeAction(action: Pick<Action, 'code' | 'fiche'>): string {
  const op = action.fiche.operateur;
  const who = op.organisme ?? (op.equipePcs ? 'équipe PCS' : null);
  return `Fiche ${action.code}${who ? ` (${who})` : ''}`;
}
