import type { ApiIssue } from './errors.ts';
import type { PlanDocument } from './plan.ts';
import { TIME_PERIOD_EX_ANTE, TIME_PERIOD_EX_POST } from './plan.ts';
import { isProgrammeYear, programmeSpan, type Programme } from './reference.ts';

/**
 * Rules a plan document must satisfy beyond the shape of each field: every year belongs to the plan's programme,
 * and every reference (an action's transfer, a partner card's actions) points at a row of the same plan.
 * Returns French issues with their paths; an empty list means the document can be stored.
 */
export function findIntegrityIssues(doc: PlanDocument, programme: Programme): ApiIssue[] {
  const issues: ApiIssue[] = [];
  const checkYear = (year: string, path: string) => {
    if (!isProgrammeYear(programme, year)) {
      issues.push({ path, message: `L'année ${year} n'appartient pas au programme ${programme.label} (${programmeSpan(programme)})` });
    }
  };

  const ids = new Map<string, string>();
  const checkUnique = (id: string, path: string) => {
    const previous = ids.get(id);
    if (previous) issues.push({ path, message: `Identifiant « ${id} » déjà utilisé (${previous})` });
    else ids.set(id, path);
  };

  const transferIds = new Set(doc.transferts.map((t) => t.id));
  const actionIds = new Set(doc.actions.map((a) => a.id));
  doc.transferts.forEach((t, i) => checkUnique(t.id, `transferts.${i}.id`));

  doc.actions.forEach((a, ai) => {
    checkUnique(a.id, `actions.${ai}.id`);
    const transferId = a.fiche.operateur.transferId;
    if (transferId !== null && !transferIds.has(transferId)) {
      issues.push({
        path: `actions.${ai}.fiche.operateur.transferId`,
        message: `Le transfert « ${transferId} » n'existe pas dans ce plan`,
      });
    }
    a.indicators.forEach((ind, ii) => {
      checkUnique(ind.id, `actions.${ai}.indicators.${ii}.id`);
      for (const year of Object.keys(ind.values)) checkYear(year, `actions.${ai}.indicators.${ii}.values.${year}`);
    });
  });

  for (const [category, periods] of Object.entries(doc.repartitionTemps)) {
    for (const period of Object.keys(periods ?? {})) {
      if (period !== TIME_PERIOD_EX_ANTE && period !== TIME_PERIOD_EX_POST) {
        checkYear(period, `repartitionTemps.${category}.${period}`);
      }
    }
  }
  for (const year of Object.keys(doc.consommation)) checkYear(year, `consommation.${year}`);
  doc.transferts.forEach((t, i) => {
    for (const year of Object.keys(t.parAnnee)) checkYear(year, `transferts.${i}.parAnnee.${year}`);
  });
  doc.budgetsAnnuels.forEach((v, i) => {
    checkUnique(v.id, `budgetsAnnuels.${i}.id`);
    checkYear(String(v.annee), `budgetsAnnuels.${i}.annee`);
  });
  doc.imputations.forEach((l, i) => {
    checkUnique(l.id, `imputations.${i}.id`);
    checkYear(String(l.annee), `imputations.${i}.annee`);
  });
  for (const [year, dates] of Object.entries(doc.commissions.dates)) {
    checkYear(year, `commissions.dates.${year}`);
    dates.forEach((date, i) => {
      if (!date.startsWith(`${year}-`)) {
        issues.push({ path: `commissions.dates.${year}.${i}`, message: `La date ${date} n'est pas en ${year}` });
      }
    });
  }
  doc.formations.forEach((f, i) => {
    if (f.annee !== null) checkYear(String(f.annee), `formations.${i}.annee`);
  });

  const lists = ['equipeMembres', 'formations', 'reunionsOrganisees', 'reunionsInvite', 'partenaires'] as const;
  for (const list of lists) doc[list].forEach((row, i) => checkUnique(row.id, `${list}.${i}.id`));
  doc.partenaires.forEach((p, pi) =>
    p.actionIds.forEach((id, k) => {
      if (!actionIds.has(id)) {
        issues.push({ path: `partenaires.${pi}.actionIds.${k}`, message: `L'action « ${id} » n'existe pas dans ce plan` });
      }
    }),
  );
  return issues;
}
