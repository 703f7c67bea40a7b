import type { CarryOverLine } from '../../schemas/carry-over.ts';
import type { Catalogue, Programme } from '../../schemas/reference.ts';
import type { KeptFiche, PlanLink, SuccessorPreview } from '../../schemas/requests/successor.ts';

/**
 * The model of « Préparer le plan suivant » (the view is `successor.ts`): each fiche of the plan with the code
 * proposed in the next catalogue, which the person changes or confirms, and whether it is kept. A fiche with a
 * proposal starts kept; an unmapped one starts left behind until a code is chosen. Requests are injected.
 */

/** The programmes whose plans prepare their successor from a plan of `programmeId` (usually one). */
export function nextProgrammesOf(programmes: readonly Programme[], programmeId: string): Programme[] {
  return programmes.filter((p) => p.predecesseur === programmeId);
}

/** « Liège — PCS 2020-2025 »: how the header names a plan before or after this one. */
export function describeLink(link: PlanLink): string {
  return `${link.commune} — ${link.programmeLabel}`;
}

export type CarryOverRow = CarryOverLine & { keep: boolean; chosen: string | null };

export type SuccessorRequests = {
  preview(programmeId: string): Promise<SuccessorPreview>;
  catalogue(programmeId: string): Promise<Catalogue>;
  prepare(programmeId: string, fiches: KeptFiche[]): Promise<{ planId: string }>;
};

export type SuccessorModel = Awaited<ReturnType<typeof loadSuccessorModel>>;

export async function loadSuccessorModel(programmeId: string, requests: SuccessorRequests) {
  const [preview, catalogue] = await Promise.all([requests.preview(programmeId), requests.catalogue(programmeId)]);
  const rows: CarryOverRow[] = preview.mapping.map((l) => ({ ...l, keep: l.suggestion !== null, chosen: l.suggestion?.code ?? null }));
  const find = (actionId: string) => rows.find((r) => r.actionId === actionId)!;

  const model = {
    programme: preview.programme,
    alreadyPrepared: preview.alreadyPrepared,
    rows,
    /** The codes of the new catalogue, for the select of each row. */
    codes: catalogue.actions.map((a) => ({ code: a.code, intitule: a.intitule })),
    /** The fiches no code is proposed for, as the dialog lists them. */
    unmapped: () => rows.filter((r) => r.suggestion === null),
    /** Choosing a code keeps the fiche; choosing none leaves it behind. */
    choose(actionId: string, code: string | null): void {
      const row = find(actionId);
      row.chosen = code;
      row.keep = code !== null;
    },
    setKeep(actionId: string, keep: boolean): void {
      find(actionId).keep = keep;
    },
    /** Why the preparation cannot be sent yet (a kept fiche without a code, or a plan already prepared), or null. */
    problem(): string | null {
      if (preview.alreadyPrepared) return `Le plan ${describeLink(preview.alreadyPrepared)} a déjà été préparé depuis ce plan.`;
      const missing = rows.find((r) => r.keep && !r.chosen);
      return missing ? `Fiche ${missing.code} : choisissez son code dans le nouveau catalogue, ou ne la gardez pas.` : null;
    },
    /** The fiches kept, each with its code: the body of the preparation. */
    kept: (): KeptFiche[] => rows.filter((r) => r.keep && r.chosen).map((r) => ({ actionId: r.actionId, code: r.chosen! })),
    /** Sends the preparation; answers the new plan's id. */
    async prepare(): Promise<string> {
      const problem = model.problem();
      if (problem) throw new Error(problem);
      return (await requests.prepare(preview.programme.id, model.kept())).planId;
    },
  };
  return model;
}
