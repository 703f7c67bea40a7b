import { remindersSent } from '../db/schema.ts';
import { dueReminderStep, extensionText, type ReminderStep } from '../../schemas/deadlines.ts';
import { daysBetween, formatDate } from '../../schemas/dates.ts';
import { submissionName, type Obligation } from '../../schemas/submission.ts';
import { nowOf, todayOf, type ServiceContext } from './context.ts';
import { readObligationsOfPlans } from './deadlines.ts';
import { reportLink } from '../../schemas/deadlines.ts';
import { retryFailedMails } from './mail.ts';
import { notifyPlanPeople } from './notifications.ts';
import { listPlans } from './plans.ts';

/**
 * Reminders of due dates (REMINDER_STEPS: J-30, J-7, J+1, J+7, J+30), for every obligation of every plan that is
 * neither under review nor approved, against its due date — the one the DiCS granted, if any. A reminder is a
 * notification and an e-mail to each person of the plan (notifyPlanPeople), and goes once: `reminders_sent` keys it by
 * plan, kind, year, step and due date, so an extension makes the steps due again.
 */

/** What one run did: reminders sent (one per obligation and step) and failed e-mails put back in the queue. */
export type ReminderRun = { rappels: number; courrielsRelances: number };

function reminderText(porteur: string, o: Obligation, step: ReminderStep, today: string): { titre: string; texte: string } {
  const when = formatDate(o.echeance);
  const late = daysBetween(o.echeance, today);
  const granted = extensionText(o);
  const state =
    late > 0
      ? `est en retard de ${late} jour${late > 1 ? 's' : ''} : l'échéance était le ${when}`
      : `est à remettre pour le ${when}${late === 0 ? " (aujourd'hui)" : ` (dans ${-late} jour${-late > 1 ? 's' : ''})`}`;
  return {
    titre: `${late > 0 ? 'Retard' : 'Rappel'} : ${o.kindLabel} ${o.annee} — ${porteur}`,
    texte: [
      `Plan de Cohésion sociale « ${porteur} » : ${submissionName(o, true)} ${state}.`,
      `Type de soumission : ${o.kindLabel}, année ${o.annee}.`,
      granted ? `Pour ce plan, ${granted}.` : null,
      `Rappel ${step.etape}.`,
    ]
      .filter(Boolean)
      .join('\n'),
  };
}

/**
 * Sends the reminders due today (the context's clock, Brussels date) and retries the e-mails the SMTP server refused.
 * Idempotent within a day: run at server start, then every REMINDER_INTERVAL_MINUTES, and by `npm run reminders`.
 */
export function sendDueReminders(ctx: ServiceContext): ReminderRun {
  const courrielsRelances = retryFailedMails(ctx);
  const today = todayOf(ctx);
  // The server's own work: every plan, whoever asked for the run.
  const { actor: _, ...system } = ctx;
  const plans = listPlans(system);
  const obligations = readObligationsOfPlans(ctx, plans, today);
  let rappels = 0;
  for (const plan of plans) {
    for (const o of obligations.get(plan.id) ?? []) {
      const step = dueReminderStep(o.echeance, o.statut, today);
      if (!step) continue;
      ctx.db.transaction((tx) => {
        const claimed = tx
          .insert(remindersSent)
          .values({ planId: plan.id, kind: o.kind, annee: o.annee, etape: step.etape, echeance: o.echeance, sentAt: nowOf(ctx) })
          .onConflictDoNothing()
          .run().changes;
        if (!claimed) return;
        notifyPlanPeople(ctx, plan.id, { nature: 'rappel', ...reminderText(plan.porteur, o, step, today), lien: reportLink(plan.id, o.kind, o.annee) }, tx);
        rappels++;
      });
    }
  }
  return { rappels, courrielsRelances };
}
