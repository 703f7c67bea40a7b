import { describe, expect, it } from 'vitest';
import {
  changesText,
  checklistText,
  createQueueModel,
  demandeOf,
  previousDemandesText,
  targetOptions,
  waitingText,
  type QueueRequests,
} from '../../client/pages/review-queue-model.ts';
import { reasonsForRoute } from '../../client/pages/return-reasons.ts';
import { SECTIONS } from '../../client/pages/sections/index.ts';
import { RETURN_SECTIONS, type QueueItem, type ReturnReason } from '../../schemas/review-queue.ts';

/** The model of « File d'instruction », without a browser: what is shown, selected, opened, approved and returned. */

function item(porteur: string, overrides: Partial<QueueItem> = {}): QueueItem {
  return {
    planId: `plan-${porteur}`,
    submissionId: `sub-${porteur}`,
    porteur,
    province: null,
    kind: 'rapport-annuel',
    kindLabel: 'Rapport annuel',
    annee: 2025,
    numero: 1,
    soumisLe: '2026-03-01T09:00:00.000Z',
    soumisPar: 'Claire',
    joursAttente: 3,
    questionsOuvertes: 0,
    checklist: { pret: true, items: [{ id: 'budget', label: 'Budget', ok: true, manquants: 0, justifies: 0 }] },
    depuis: { base: 'aucune', submissionId: null, numero: null, soumisLe: null, libelle: 'première soumission : rien à comparer' },
    changements: 0,
    demandesPrecedentes: { submissionId: null, total: 0, corrigees: 0 },
    ...overrides,
  };
}

function requests(items: QueueItem[]) {
  const approved: string[][] = [];
  const returned: unknown[] = [];
  let queue = items;
  const r: QueueRequests = {
    queue: async () => queue,
    review: async () => ({ checklist: { pret: true, items: [], elements: [] }, cibles: [{ cibleType: 'fiche', cible: 'a1', label: 'Fiche 1.1.05 — FLE' }] }),
    changes: async () => ({ depuis: items[0]!.depuis, changements: [] }),
    approve: async (list) => {
      approved.push(list.map((i) => i.submissionId));
      queue = queue.filter((q) => !list.some((i) => i.submissionId === q.submissionId));
    },
    reasons: async () => [],
    returnSubmission: async (planId, submissionId, body) => {
      returned.push({ planId, submissionId, body });
      queue = queue.filter((q) => q.submissionId !== submissionId);
    },
  };
  return { r, approved, returned };
}

describe('the texts of a row', () => {
  it('says how long it waits, what the checklist lacks, what changed and what the commune corrected', () => {
    expect(waitingText(0)).toBe('aujourd’hui');
    expect(waitingText(12)).toBe('12 j');
    expect(checklistText(item('A'))).toBe('Complète');
    expect(
      checklistText(item('A', { checklist: { pret: false, items: [{ id: 'realises', label: 'Réalisés', ok: false, manquants: 3, justifies: 1 }] } })),
    ).toBe('3 valeurs manquantes');
    expect(changesText(item('A'))).toBe('Première soumission');
    expect(changesText(item('A', { changements: 4, depuis: { base: 'approuvee', submissionId: 's', numero: 1, soumisLe: null, libelle: '' } }))).toBe(
      '4 modifications depuis la version approuvée (n°1)',
    );
    expect(changesText(item('A', { changements: 1, depuis: { base: 'precedente', submissionId: 's', numero: 2, soumisLe: null, libelle: '' } }))).toBe(
      '1 modification depuis la soumission n°2 (aucune approuvée)',
    );
    expect(previousDemandesText(item('A'))).toBeNull();
    expect(previousDemandesText(item('A', { demandesPrecedentes: { submissionId: 's0', total: 3, corrigees: 2 } }))).toBe('2 / 3 demandes marquées corrigées');
  });
});

describe('bulk approval', () => {
  it('waits until the checklist of every selected submission was opened, then approves them together', async () => {
    const { r, approved } = requests([item('Huy'), item('Liège'), item('Namur')]);
    const model = createQueueModel(r, 'pcs-2020-2025');
    await model.load();
    expect(model.bulkApprovalBlocker).toBe('Sélectionnez les soumissions à approuver');
    const [huy, liege] = model.items;
    model.toggle(huy!, true);
    model.toggle(liege!, true);
    expect(model.bulkApprovalBlocker).toBe('Ouvrez d’abord la liste de contrôle de chaque soumission sélectionnée (reste : Huy, Liège)');
    await model.open(huy!);
    expect(model.opened?.item.porteur).toBe('Huy');
    expect(model.bulkApprovalBlocker).toMatch(/reste : Liège\)$/);
    await model.open(liege!);
    expect(model.bulkApprovalBlocker).toBeNull();
    await model.approve(model.selection, 'Conforme');
    expect(approved).toEqual([['sub-Huy', 'sub-Liège']]);
    expect(model.items.map((i) => i.porteur)).toEqual(['Namur']);
    expect(model.selection).toEqual([]);
    // The opened one left the queue: the panel is empty again.
    expect(model.opened).toBeNull();
  });
});

describe('a re-submission after a return', () => {
  it('opens with the previous return’s demandes, to see which the commune marked corrected', async () => {
    const resubmitted = item('Huy', { numero: 2, demandesPrecedentes: { submissionId: 'sub-1', total: 1, corrigees: 1 } });
    const { r } = requests([resubmitted]);
    const asked: string[] = [];
    r.reasons = async (_planId, submissionId) => {
      asked.push(submissionId);
      return [];
    };
    const model = createQueueModel(r, 'p');
    await model.load();
    await model.open(model.items[0]!);
    expect(asked).toEqual(['sub-1']);
  });
});

describe('returning with demandes', () => {
  it('checks each demande with the server’s schema and sends the target, the type and the text', async () => {
    const { r, returned } = requests([item('Huy')]);
    const model = createQueueModel(r, 'p');
    await model.load();
    await model.open(model.items[0]!);
    expect(targetOptions(model.opened!.review.cibles)).toEqual([
      { value: 'plan', label: 'Plan entier' },
      { value: 'fiche:a1', label: 'Fiche 1.1.05 — FLE' },
    ]);
    expect(demandeOf({ cible: 'fiche:a1', motifType: 'incoherence', texte: '  ' })).toEqual({ ok: false, field: 'texte', message: 'Écrivez la demande' });
    await expect(model.returnOpened(null, [{ cible: 'fiche:a1', motifType: 'incoherence', texte: '' }])).rejects.toThrow('Écrivez la demande');
    expect(returned).toEqual([]);
    await model.returnOpened(null, [
      { cible: 'fiche:a1', motifType: 'donnee-manquante', texte: 'Le public manque' },
      { cible: 'plan', motifType: 'autre', texte: 'Relire' },
    ]);
    expect(returned).toEqual([
      {
        planId: 'plan-Huy',
        submissionId: 'sub-Huy',
        body: {
          motif: null,
          demandes: [
            { cibleType: 'fiche', cible: 'a1', motifType: 'donnee-manquante', texte: 'Le public manque' },
            { cibleType: 'plan', cible: null, motifType: 'autre', texte: 'Relire' },
          ],
        },
      },
    ]);
    expect(model.items).toEqual([]);
  });
});

describe('where the commune sees a demande', () => {
  const reason = (cibleType: ReturnReason['cibleType'], cible: string | null): ReturnReason => ({
    id: `${cibleType}-${cible}`,
    submissionId: 's',
    cibleType,
    cible,
    cibleLibelle: '',
    motifType: 'autre',
    motifLabel: 'Autre',
    texte: '',
    createdAt: '',
    createdBy: '',
    resolvedAt: null,
    kind: 'rapport-annuel',
    kindLabel: 'Rapport annuel',
    annee: 2025,
    numero: 1,
  });
  const all = [reason('fiche', 'a1'), reason('fiche', 'a2'), reason('section', 'budget'), reason('plan', null)];
  it('shows a fiche’s on its page, a section’s on the section’s page, every one on the report page', () => {
    expect(reasonsForRoute(all, { page: 'fiche', planId: 'p', actionId: 'a1', focus: null }).map((r) => r.id)).toEqual(['fiche-a1']);
    expect(reasonsForRoute(all, { page: 'section', planId: 'p', section: 'budget', focus: null }).map((r) => r.id)).toEqual(['section-budget']);
    expect(reasonsForRoute(all, { page: 'report', planId: 'p', year: null, kind: null, focus: null })).toHaveLength(4);
    expect(reasonsForRoute(all, { page: 'plans' })).toEqual([]);
  });

  it('names the sections as the left column does, with the same addresses', () => {
    expect(RETURN_SECTIONS.map((s) => [s.key, s.label])).toEqual(SECTIONS.map((s) => [s.id, s.title]));
  });
});
