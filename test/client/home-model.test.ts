import { describe, expect, it } from 'vitest';
import type { MyNotifications, PlanObligation } from '../../schemas/deadlines.ts';
import { dueLines, lateText, markedRead, notificationsLabel } from '../../client/pages/home-model.ts';
import { obligationText } from '../../client/pages/report/model.ts';

/** The plans page's « À remettre » and the notifications' header button, without a browser. */

function obligation(o: Partial<PlanObligation> & Pick<PlanObligation, 'annee' | 'echeance'>): PlanObligation {
  return {
    kind: 'rapport-annuel',
    kindLabel: 'Rapport annuel',
    echeanceProgramme: null,
    statut: 'brouillon',
    submissionId: null,
    numero: null,
    enRetard: false,
    planId: 'p1',
    porteur: 'Liège',
    programmeId: 'pcs-2020-2025',
    joursDeRetard: 0,
    ...o,
  };
}

describe('dueLines', () => {
  it('lists soonest first, marks the late ones « en retard de N jours », links to the report of the kind and year', () => {
    const lines = dueLines([
      obligation({ annee: 2026, echeance: '2027-03-31' }),
      obligation({ annee: 2025, echeance: '2026-03-31', enRetard: true, joursDeRetard: 250 }),
      obligation({ annee: 2027, echeance: '2027-03-31', kind: 'plan-initial', kindLabel: 'Plan initial', planId: 'p2', porteur: 'CPAS de Liège' }),
    ]);
    expect(lines.map((l) => [l.title, l.when, l.late])).toEqual([
      ['Liège — Rapport annuel 2025', 'à remettre pour le 31/03/2026', 'en retard de 250 jours'],
      ['CPAS de Liège — Plan initial 2027', 'à remettre pour le 31/03/2027', null],
      ['Liège — Rapport annuel 2026', 'à remettre pour le 31/03/2027', null],
    ]);
    expect(lines[0]!.href).toBe('#/plan/p1/rapport/2025');
    expect(lines[1]!.href).toBe('#/plan/p2/rapport/2027?type=plan-initial');
  });

  it('names the plan only when there are several, and says the extension the DiCS granted', () => {
    const [line] = dueLines([obligation({ annee: 2025, echeance: '2026-09-30', echeanceProgramme: '2026-03-31' })]);
    expect(line!.title).toBe('Rapport annuel 2025');
    expect(line!.extension).toBe("délai accordé jusqu'au 30/09/2026 (échéance du programme : 31/03/2026)");
    expect(line!.late).toBeNull();
  });

  it('the report page’s « À remettre » says the extension too', () => {
    const o = obligation({ annee: 2025, echeance: '2026-09-30', echeanceProgramme: '2026-03-31' });
    expect(obligationText(o)).toBe(
      "À remettre : Rapport annuel 2025 pour le 30/09/2026 — délai accordé jusqu'au 30/09/2026 (échéance du programme : 31/03/2026)",
    );
  });

  it('says one day in the singular', () => {
    expect(lateText(1)).toBe('en retard de 1 jour');
    expect(lateText(2)).toBe('en retard de 2 jours');
  });
});

describe('notifications', () => {
  const state: MyNotifications = {
    nonLues: 2,
    notifications: ['a', 'b'].map((id) => ({
      id,
      planId: 'p1',
      nature: 'rappel',
      titre: id,
      texte: id,
      lien: null,
      createdAt: '2026-03-01T10:00:00Z',
      readAt: null,
    })),
  };

  it('counts the unread ones in the header button', () => {
    expect(notificationsLabel(state)).toBe('Notifications (2)');
    expect(notificationsLabel({ nonLues: 0 })).toBe('Notifications');
  });

  it('« marquer comme lu » lowers the count once', () => {
    const once = markedRead(state, 'a', '2026-03-02T08:00:00Z');
    expect(once.nonLues).toBe(1);
    expect(once.notifications.find((n) => n.id === 'a')!.readAt).toBe('2026-03-02T08:00:00Z');
    expect(markedRead(once, 'a', '2026-03-02T09:00:00Z')).toBe(once);
  });
});
