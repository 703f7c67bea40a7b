import { z } from 'zod';
import { RowId } from '../primitives.ts';

/**
 * Pieces shared by the requests of several routes: the plan in the address, the version of a row, a row's
 * deletion, and the `{ version, data }` bodies of the edits whose `data` is a row of the plan.
 */

export const PlanParam = z.object({ planId: RowId });
export type PlanParam = z.infer<typeof PlanParam>;

export const VersionQuery = z.object({ version: z.coerce.number().int().min(0) }).strict();
export type VersionQuery = z.infer<typeof VersionQuery>;

/**
 * Query of a row's deletion: its version and, with `detacher=1`, the consent to detach the rows pointing at it
 * (fiches of a transfer, partner cards of an action, justifications) instead of a 409 `in_use` listing them.
 */
export const DeleteQuery = VersionQuery.extend({
  detacher: z.enum(['0', '1'], { message: '« detacher » vaut 1 (détacher puis supprimer) ou 0' }).optional(),
}).strict();
export type DeleteQuery = z.infer<typeof DeleteQuery>;
export const isDetach = (q: { detacher?: '0' | '1' | undefined }) => q.detacher === '1';

/** A new position of a row in its ordered list (actions, indicators, transfers, list rows). */
export const Position = z.number().int().min(0).max(10_000);

/** The year of a report, in a query (`?annee=<année>`, a year of the plan's programme). */
export const YearQuery = z.object({ annee: z.coerce.number().int().min(2000).max(2100) }).strict();
export type YearQuery = z.infer<typeof YearQuery>;
export const OptionalYearQuery = YearQuery.partial();
export type OptionalYearQuery = z.infer<typeof OptionalYearQuery>;

/** A JSON object (`{ … }`): the content of a route whose schema depends on the address. */
export type JsonObject = { [key: string]: unknown };

/**
 * Any `data` at first: the envelope of the body is judged before its content, and a missing `data` is the
 * content's error, named as the content's schema names it. Typed as the content the route expects.
 */
const pendingData = <T>() => z.custom<T>(() => true).optional();

type Envelope = Record<string, z.ZodType>;
/** The body `{ …envelope, data }` as typed: `data` required, read as `In`, handed to the service as `Out`. */
type BodyOf<E extends Envelope, In, Out> = z.ZodType<
  z.output<z.ZodObject<E & { data: z.ZodType<Out, In> }, z.core.$strict>>,
  z.input<z.ZodObject<E & { data: z.ZodType<Out, In> }, z.core.$strict>>
>;

/**
 * A body `{ …envelope, data }` whose `data` is parsed by `data` once the envelope (version, position, no unknown
 * field) is right, its issues named under `prefix` (`transferts.montant`, `code`…): the answer the API has always
 * given, one part of the body judged after the other. Typed as the envelope plus the parsed content.
 */
export function withData<E extends Envelope, D extends z.ZodType>(envelope: E, data: D, prefix: readonly PropertyKey[]): BodyOf<E, z.input<D>, z.output<D>> {
  const body = z
    .object({ ...envelope, data: pendingData<z.input<D>>() })
    .strict()
    .transform((value, ctx) => {
      // Issues of the envelope already refuse the body: its content is judged only once they are gone.
      if (ctx.issues.length) return z.NEVER;
      const parsed = data.safeParse((value as { data?: unknown }).data);
      if (parsed.success) return { ...value, data: parsed.data as z.output<D> };
      for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, path: [...prefix, ...issue.path] } as z.core.$ZodRawIssue);
      return z.NEVER;
    });
  // zod cannot say "required in the type, judged later at run time" of `data`: the cast states the body's real type.
  return body as unknown as BodyOf<E, z.input<D>, z.output<D>>;
}

/**
 * A body `{ …envelope, data }` whose `data` the service judges, because its schema depends on the address
 * (`lists/:collection`, `sections/:section`) or on the person (the author of a record): typed here as one of the
 * contents the route accepts, parsed there with the issues named as the API has always named them.
 */
export function withServiceData<E extends Envelope, T>(envelope: E): BodyOf<E, T, T> {
  const body = z.object({ ...envelope, data: pendingData<T>() }).strict();
  // Same as above: `data` is required in the type, judged by the service.
  return body as unknown as BodyOf<E, T, T>;
}
