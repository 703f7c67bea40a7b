import { z } from 'zod';

/**
 * For tests that submit the Liège sample: the sample reproduces the printed form, whose fiches 1.5.01, 2.1.04,
 * the Abri de jour 2.4.01, START, SIAJEF and Relais santé 3.3.02, UMPS 3.5.01 and 5.5.02 are printed with their
 * header only (spec §6.3 #33), and a few others without a description or publics. The checklist lists those
 * mandatory values; the form allows to excuse them, which this does, as the chef de projet, through the API.
 */
type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

/** The part of the checklist's answer read here (the senders are untyped: the browser tests use their own server). */
const ChecklistAnswer = z.object({ elements: z.array(z.object({ id: z.string(), details: z.array(z.object({ key: z.string().nullable() })) })) });

export async function justifyMissingFicheValues(api: Api, planId: string, year: number): Promise<number> {
  const checklist = await api('GET', `/api/plans/${planId}/submissions/checklist?annee=${year}`);
  if (checklist.status !== 200) throw new Error(`checklist answered ${checklist.status}`);
  const fiches = ChecklistAnswer.parse(checklist.body).elements.find((e) => e.id === 'fiches')!;
  for (const d of fiches.details) {
    if (!d.key) continue;
    const res = await api('PUT', `/api/plans/${planId}/justifications`, {
      version: 0,
      data: { cle: d.key, texte: 'Fiche imprimée sans cette rubrique dans le formulaire officiel', auteur: 'Cheffe de projet' },
    });
    if (res.status !== 200) throw new Error(`justification of ${d.key} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return fiches.details.length;
}
