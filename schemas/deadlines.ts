import { z } from 'zod';
import { isoDate } from './primitives.ts';
import { daysBetween, formatDate } from './dates.ts';
import { ANNUAL_REPORT_KIND } from './reference.ts';
import { MAX_REASON_LENGTH } from './audit.ts';
import { LOCKING_STATUSES, type Obligation, type ObligationStatus } from './submission.ts';

/**
 * Deadlines and reminders: the later due date the DiCS grants one plan for one submission (kind × year), what each
 * person has to hand in across their plans, the reminders sent before and after a due date, the notifications people
 * read in the application and the e-mails kept in the outbox. Dates are ISO (`AAAA-MM-JJ`), days are calendar days.
 */

// ——— Extensions ————————————————————————————————————————————————————————————————————————————————————————————————

/** The DiCS grants a later due date, with an optional reason (shown in the plan's history). */
export const ExtensionSchema = z
  .object({
    echeance: isoDate,
    motif: z.string().trim().max(MAX_REASON_LENGTH, `Au plus ${MAX_REASON_LENGTH} caractères`).nullable().default(null),
  })
  .strict();
export type Extension = z.infer<typeof ExtensionSchema>;

/** A due date the DiCS granted a plan, as the API answers it. */
export type DeadlineExtension = {
  kind: string;
  kindLabel: string;
  annee: number;
  /** The granted due date (ISO) and the programme's, which it replaces. */
  echeance: string;
  echeanceProgramme: string;
  motif: string | null;
  accordeLe: string;
  accordePar: string;
};

/** « délai accordé jusqu'au 30/09/2026 (échéance du programme : 30/06/2026) », or null without an extension. */
export function extensionText(o: Pick<Obligation, 'echeance' | 'echeanceProgramme'>): string | null {
  return o.echeanceProgramme ? `délai accordé jusqu'au ${formatDate(o.echeance)} (échéance du programme : ${formatDate(o.echeanceProgramme)})` : null;
}

/** Days an obligation is overdue on `today`: 0 unless it is late. */
export function daysOverdue(o: Pick<Obligation, 'enRetard' | 'echeance'>, today: string): number {
  return o.enRetard ? Math.max(0, daysBetween(o.echeance, today)) : 0;
}

// ——— What is due, across the person's plans ————————————————————————————————————————————————————————————————————

/** One obligation still open on one of the person's plans (`GET /api/me/obligations`). */
export type PlanObligation = Obligation & {
  planId: string;
  /** How the plan is named on the plans page (« Ville de Liège », « CPAS de … »). */
  porteur: string;
  programmeId: string;
  /** Days past the due date (0 when not late). */
  joursDeRetard: number;
};

// ——— Reminders ————————————————————————————————————————————————————————————————————————————————————————————————

/**
 * When reminders go, in days from the due date: a month and a week before, the day after, a week and a month after.
 * Each step goes once per due date (an extension makes them due again against the new date).
 */
export const REMINDER_STEPS = [
  { etape: 'J-30', jours: -30 },
  { etape: 'J-7', jours: -7 },
  { etape: 'J+1', jours: 1 },
  { etape: 'J+7', jours: 7 },
  { etape: 'J+30', jours: 30 },
] as const;
export type ReminderStep = (typeof REMINDER_STEPS)[number];

/** How long the last step stays due when the server was not running on its day (the others: until the next step). */
export const LAST_STEP_GRACE_DAYS = 30;

/**
 * The reminder due on `today` for an obligation due on `echeance`: the latest step reached, as long as the next step
 * is not reached (or, for the last, within LAST_STEP_GRACE_DAYS) — a server stopped for a few days still sends the step
 * it missed, but a plan long late gets one reminder, not five at once. Null when none is due, or when the obligation
 * is under review or approved.
 */
export function dueReminderStep(echeance: string, statut: ObligationStatus, today: string): ReminderStep | null {
  if ((LOCKING_STATUSES as readonly ObligationStatus[]).includes(statut)) return null;
  const day = daysBetween(echeance, today);
  for (let i = REMINDER_STEPS.length - 1; i >= 0; i--) {
    const step = REMINDER_STEPS[i]!;
    if (day < step.jours) continue;
    const until = REMINDER_STEPS[i + 1]?.jours ?? step.jours + LAST_STEP_GRACE_DAYS;
    return day < until ? step : null;
  }
  return null;
}

// ——— Notifications ————————————————————————————————————————————————————————————————————————————————————————————

/** What a notification is about: a reminder of a due date, a granted extension, a returned or approved submission. */
export const NOTIFICATION_NATURES = ['rappel', 'delai', 'retour', 'approbation'] as const;
export type NotificationNature = (typeof NOTIFICATION_NATURES)[number];

/** What `notifyPlanPeople` tells the people of a plan (a notification, and the same by e-mail). */
export const PlanNoticeSchema = z
  .object({
    nature: z.enum(NOTIFICATION_NATURES),
    titre: z.string().trim().min(1).max(200),
    texte: z.string().trim().min(1).max(4000),
    /** A client route (`#/plan/…`), or null. */
    lien: z
      .string()
      .regex(/^#\/[^\s]*$/, 'Lien de l’application attendu (#/…)')
      .max(500)
      .nullable(),
  })
  .strict();
export type PlanNotice = z.infer<typeof PlanNoticeSchema>;

export type Notification = {
  id: string;
  planId: string | null;
  nature: NotificationNature;
  titre: string;
  texte: string;
  lien: string | null;
  createdAt: string;
  readAt: string | null;
};

/** `GET /api/me/notifications`: the unread count and the latest notifications, newest first. */
export type MyNotifications = { nonLues: number; notifications: Notification[] };

/** How many notifications the list answers. */
export const NOTIFICATIONS_SHOWN = 50;

// ——— Mail outbox ——————————————————————————————————————————————————————————————————————————————————————————————

/**
 * Where an e-mail stands: kept in the outbox because no SMTP server is configured (`boite`), waiting to be sent
 * (`en-attente`), sent (`envoye`), or refused by the server (`echec`, with the error; tried again at the next
 * reminder run).
 */
export const MAIL_STATUSES = ['boite', 'en-attente', 'envoye', 'echec'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];
export const MAIL_STATUS_LABELS: Record<MailStatus, string> = {
  boite: 'Dans la boîte d’envoi (pas de serveur SMTP)',
  'en-attente': 'En attente d’envoi',
  envoye: 'Envoyé',
  echec: 'Échec de l’envoi',
};

export type OutboxMail = {
  id: string;
  destinataire: string;
  sujet: string;
  texte: string;
  createdAt: string;
  statut: MailStatus;
  envoyeLe: string | null;
  erreur: string | null;
};

/** How many e-mails `GET /api/outbox` answers, newest first. */
export const OUTBOX_SHOWN = 200;

/** The interface's address of the plan's report page for one kind of submission and year (notifications, e-mails). */
export function reportLink(planId: string, kind: string, annee: number): string {
  return `#/plan/${encodeURIComponent(planId)}/rapport/${annee}${kind === ANNUAL_REPORT_KIND ? '' : `?type=${encodeURIComponent(kind)}`}`;
}
