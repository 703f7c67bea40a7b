import type { AuditEntry, AuditEvent } from './audit.ts';

/**
 * How the events of the audit trail read in the history panel and its XLSX export. Kept beside `schemas/audit.ts`
 * (which declares the events) so that the browser and the export name them alike.
 */
export const AUDIT_EVENT_LABELS: Record<AuditEvent, string> = {
  modification: 'Modification',
  soumission: 'Soumission',
  reouverture: 'Réouverture',
  retour: 'Retour pour correction',
  approbation: 'Approbation',
  question: 'Question de la DiCS',
  reponse: 'Réponse',
  resolution: 'Question résolue',
  connexion: 'Connexion',
};

/** "Modification", or "Soumission — Rapport 2021 soumis" when the entry says what it is about. */
export function describeEvent(entry: Pick<AuditEntry, 'event' | 'summary'>): string {
  const label = AUDIT_EVENT_LABELS[entry.event] ?? entry.event;
  return entry.summary ? `${label} — ${entry.summary}` : label;
}

/** "Fiche 1.1.05 (CALIF)" for `actions.<id>`: a path prefix named without the trailing " › " of an empty field. */
export function describeScope(label: string): string {
  return label.replace(/\s*›\s*$/, '');
}
