import { z } from 'zod';
import { CatalogueActionSchema, CatalogueIndicatorSchema, CatalogueSchema, ProgrammeSchema, type Catalogue, type Programme } from '../reference.ts';

const ProgrammeId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Identifiant de programme attendu (minuscules, chiffres et tirets, ex. pcs-2033)');

/** A programme in the address (`/api/programmes/:programmeId/…`). */
export const ProgrammeParam = z.object({ programmeId: ProgrammeId });
export type ProgrammeParam = z.infer<typeof ProgrammeParam>;

const Year = z.number().int().min(2000, 'Année entre 2000 et 2100').max(2100, 'Année entre 2000 et 2100');
const Version = z.number().int().min(1);
const fields = ProgrammeSchema.shape;

/**
 * What an administrator writes of a draft programme. Its years are given as the first year and either the last
 * year or the number of years (any length up to 20); its start and end dates default to 1 January of the first year
 * and 31 December of the last.
 */
export const ProgrammeDefinitionFields = z
  .object({
    label: fields.label,
    shortName: fields.shortName,
    firstYear: Year,
    lastYear: Year.optional(),
    yearCount: z.number().int().min(1, 'Au moins une année').max(20, 'Au plus 20 années').optional(),
    start: fields.start.optional(),
    end: fields.end.optional(),
    populationReferenceDate: fields.populationReferenceDate,
    predecesseur: fields.predecesseur,
    soumissions: fields.soumissions,
  })
  .strict();

type YearsGiven = { firstYear: number; lastYear?: number | undefined; yearCount?: number | undefined };
const hasOneEnd = (b: YearsGiven) => (b.lastYear === undefined) !== (b.yearCount === undefined);
const ONE_END = { message: 'Donnez la dernière année ou le nombre d’années du programme (l’un des deux)', path: ['lastYear'] };
const endsInTime = (b: YearsGiven) => b.lastYear === undefined || (b.lastYear >= b.firstYear && b.lastYear - b.firstYear < 20);
const END_IN_TIME = { message: 'La dernière année suit la première, au plus 20 années en tout', path: ['lastYear'] };

/** `POST /api/programmes`: a new draft, its catalogue copied from the programme `catalogueDe`. */
export const CreateProgrammeBody = ProgrammeDefinitionFields.extend({
  id: ProgrammeId,
  /** The programme whose catalogue the draft starts from. */
  catalogueDe: ProgrammeId,
})
  .strict()
  .refine(hasOneEnd, ONE_END)
  .refine(endsInTime, END_IN_TIME);
export type CreateProgrammeBody = z.infer<typeof CreateProgrammeBody>;

/** `PUT /api/programmes/:programmeId`: a draft's new definition with the version last seen. */
export const UpdateProgrammeBody = ProgrammeDefinitionFields.extend({ version: Version }).strict().refine(hasOneEnd, ONE_END).refine(endsInTime, END_IN_TIME);
export type UpdateProgrammeBody = z.infer<typeof UpdateProgrammeBody>;

/** `PUT /api/programmes/:programmeId/catalogue`: a draft's whole catalogue with the version last seen. */
export const ReplaceCatalogueBody = CatalogueSchema.extend({ version: Version }).strict();
export type ReplaceCatalogueBody = z.infer<typeof ReplaceCatalogueBody>;

/** One action of a draft's catalogue in the address (`…/catalogue/actions/1.3.03`). */
export const CatalogueActionParam = ProgrammeParam.extend({ code: CatalogueActionSchema.shape.code });
export type CatalogueActionParam = z.infer<typeof CatalogueActionParam>;

/** `PUT …/catalogue/actions/:code`: the action's intitulé and objective (its default indicators kept unless given). */
export const CatalogueActionBody = CatalogueActionSchema.omit({ code: true })
  .extend({ indicators: z.array(CatalogueIndicatorSchema).optional(), version: Version })
  .strict();
export type CatalogueActionBody = z.infer<typeof CatalogueActionBody>;

/** `DELETE …/catalogue/actions/:code?version=<n>`. */
export const CatalogueActionDeleteQuery = z.object({ version: z.coerce.number().int().min(1) }).strict();
export type CatalogueActionDeleteQuery = z.infer<typeof CatalogueActionDeleteQuery>;

/** `POST /api/programmes/:programmeId/publish`: the version last seen. */
export const PublishProgrammeBody = z.object({ version: Version }).strict();
export type PublishProgrammeBody = z.infer<typeof PublishProgrammeBody>;

/** A programme as the administration page reads and edits it: its definition, catalogue, version and last change. */
export type ProgrammeRecord = {
  programme: Programme;
  catalogue: Catalogue;
  version: number;
  updatedAt: string;
  /** Who last changed it (« Nom (rôle) »), null for a programme as shipped. */
  updatedBy: string | null;
  /** How many plans are made on it. */
  planCount: number;
};
