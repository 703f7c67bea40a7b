import { describeAction, type Action } from './action.ts';
import { buildPath, stablePath } from './plan-path.ts';
import { DEGRES_IMPLICATION, DROITS_VISES, TIME_CATEGORIES, type StandardIndicator } from './enums.ts';
import { FINDING_LEVELS } from './enums.ts';
import { aggregateIndicator } from './indicator.ts';
import { formatEuros, formatPercent, formatUnitValue, sumOrNull } from './numbers.ts';
import { PART_COMMUNALE_MINIMUM_TEXT, computeBudgetFigures } from './budget.ts';
import { CONVENTION_TOLERANCE_CENTS, checkFinance, transferOfYear, type Justification } from './finance.ts';
import { TIME_PERIOD_EX_ANTE, TIME_PERIOD_EX_POST, type PlanDocument } from './plan.ts';
import { ACTION_CODE_PATTERN, axeOfCode, type Catalogue, type Programme } from './reference.ts';

/**
 * The checks of a plan (spec §4): pure functions of the plan document, its programme and the catalogue.
 * Errors are the exact identities of the official form (budget to the cent, 100 % of the chef de projet's time);
 * warnings are rules the real forms break legitimately or by mistake; infos are figures worth seeing.
 */

export type FindingLevel = (typeof FINDING_LEVELS)[number];
export type Finding = {
  rule: string;
  level: FindingLevel;
  message: string;
  /** Where the finding points in the plan document (array indices, as the pages and the workbook address it). */
  path: string;
  /** Stable identity of the finding (rule + path with row ids instead of positions): what a justification refers to. */
  key: string;
};
type RawFinding = Omit<Finding, 'key'>;

/** How the interface, the workbook and the PDF name a finding's level. */
export const FINDING_LEVEL_LABELS: Record<FindingLevel, string> = { error: 'Erreur', warning: 'Avertissement', info: 'Information' };

const LEVEL_COUNT_WORDS: Record<FindingLevel, string> = { error: 'erreur', warning: 'avertissement', info: 'information' };

/** "1 erreur, 48 avertissements" (the levels asked, in that order; plural from 2). */
export function summariseFindings(findings: readonly Finding[], levels: readonly FindingLevel[] = FINDING_LEVELS): string {
  return levels
    .map((level) => {
      const n = findings.filter((f) => f.level === level).length;
      return `${n} ${LEVEL_COUNT_WORDS[level]}${n > 1 ? 's' : ''}`;
    })
    .join(', ');
}
type CheckInput = { plan: PlanDocument; programme: Programme; catalogue: Catalogue };

function checkBudget({ plan }: CheckInput): RawFinding[] {
  const out: RawFinding[] = [];
  const { recettes: r, depenses: d } = plan.budget;
  const { recettesSum, depensesSum, totalRecettes, totalDepenses, transfersSum, art20Sum, partCommunaleRatio, partCommunaleMinimum } =
    computeBudgetFigures(plan);
  const gap = (a: number, b: number) => `écart ${formatEuros(Math.abs(a - b))}`;

  if (r.total !== null && r.total !== (recettesSum ?? 0)) {
    out.push({
      rule: 'budget-recettes-total',
      level: 'error',
      path: 'budget.recettes.total',
      message: `Budget, recettes : le total (${formatEuros(r.total)}) n'est pas la somme des recettes (${formatEuros(recettesSum ?? 0)}), ${gap(r.total, recettesSum ?? 0)}`,
    });
  }
  if (d.total !== null && d.total !== (depensesSum ?? 0)) {
    out.push({
      rule: 'budget-depenses-total',
      level: 'error',
      path: 'budget.depenses.total',
      message: `Budget, dépenses : le total (${formatEuros(d.total)}) n'est pas la somme des dépenses (${formatEuros(depensesSum ?? 0)}), ${gap(d.total, depensesSum ?? 0)}`,
    });
  }
  if (totalRecettes !== null && totalDepenses !== null && totalRecettes !== totalDepenses) {
    out.push({
      rule: 'budget-equilibre',
      level: 'error',
      path: 'budget.depenses.total',
      message: `Budget en déséquilibre : recettes ${formatEuros(totalRecettes)}, dépenses ${formatEuros(totalDepenses)}, ${gap(totalRecettes, totalDepenses)}`,
    });
  }

  if ((d.subventionsInstitutions !== null || transfersSum !== null) && (d.subventionsInstitutions ?? 0) !== (transfersSum ?? 0)) {
    out.push({
      rule: 'budget-transferts',
      level: 'error',
      path: 'budget.depenses.subventionsInstitutions',
      message: `Les subventions aux institutions et associations (${formatEuros(d.subventionsInstitutions ?? 0)}) ne correspondent pas à la somme des transferts par partenaire (${formatEuros(transfersSum ?? 0)}), ${gap(d.subventionsInstitutions ?? 0, transfersSum ?? 0)}`,
    });
  }
  if ((r.subventionsArt20 !== null || art20Sum !== null) && (r.subventionsArt20 ?? 0) !== (art20Sum ?? 0)) {
    out.push({
      rule: 'budget-art20',
      level: 'error',
      path: 'budget.recettes.subventionsArt20',
      message: `La subvention art.20 (${formatEuros(r.subventionsArt20 ?? 0)}) ne correspond pas à la somme des transferts art.20 (${formatEuros(art20Sum ?? 0)}), ${gap(r.subventionsArt20 ?? 0, art20Sum ?? 0)}`,
    });
  }

  if (r.subventionPcs !== null && partCommunaleMinimum !== null && r.partCommunale !== null) {
    const ratio = partCommunaleRatio!;
    const minimum = partCommunaleMinimum;
    const below = r.partCommunale < minimum;
    out.push({
      rule: below ? 'part-communale-minimum' : 'part-communale-ratio',
      level: below ? 'error' : 'info',
      path: 'budget.recettes.partCommunale',
      message: below
        ? `La part communale (${formatEuros(r.partCommunale)}) n'atteint pas ${PART_COMMUNALE_MINIMUM_TEXT} de la subvention PCS (${formatEuros(r.subventionPcs)}) : il manque ${formatEuros(minimum - r.partCommunale)}`
        : `Part communale : ${formatPercent(ratio)} de la subvention PCS (minimum ${PART_COMMUNALE_MINIMUM_TEXT})`,
    });
  }
  return out;
}

function checkTimeAllocation({ plan, programme }: CheckInput): RawFinding[] {
  const periods = [TIME_PERIOD_EX_ANTE, ...programme.years.map(String), TIME_PERIOD_EX_POST];
  const out: RawFinding[] = [];
  for (const period of periods) {
    const values = TIME_CATEGORIES.map((c) => plan.repartitionTemps[c.code]?.[period] ?? null);
    const total = sumOrNull(values);
    // A column of zeros is the form's formula default before anyone reports (the official Ex-post column).
    if (total !== null && total !== 0 && total !== 100_00) {
      const label = period === TIME_PERIOD_EX_ANTE ? 'Ex-ante' : period === TIME_PERIOD_EX_POST ? 'Ex-post' : period;
      out.push({
        rule: 'temps-total',
        level: 'error',
        path: buildPath('repartitionTemps', period),
        message: `Répartition de l'activité du chef de projet, colonne ${label} : le total est ${formatPercent(total)} au lieu de 100 %`,
      });
    }
  }
  return out;
}

function standardRow(action: Action, code: StandardIndicator) {
  return action.indicators.find((i) => i.standard === code);
}

function checkIndicators({ plan, programme }: CheckInput): RawFinding[] {
  const out: RawFinding[] = [];
  plan.actions.forEach((action, ai) =>
    action.indicators.forEach((ind, ii) => {
      const agg = aggregateIndicator(ind, programme.years);
      if (agg.exAnteDiffers) {
        out.push({
          rule: 'indicateur-ex-ante',
          level: 'warning',
          path: buildPath('actions', ai, 'indicators', ii, 'exAnte'),
          message: `${describeAction(action)}, indicateur ${ii + 1} « ${ind.label} » : l'ex-ante saisi (${formatUnitValue(ind.exAnte!, ind.unit)}) diffère de celui calculé à partir des cibles annuelles (${formatUnitValue(agg.computedExAnte!, ind.unit)})`,
        });
      }
    }),
  );
  return out;
}

/** Σ over the actions of a percent row ("% de temps", "Part du budget PCS") must not exceed 100 % in any year. */
function checkActionsShare(code: 'temps-consacre' | 'part-budget', rule: string, what: string) {
  return ({ plan, programme }: CheckInput): RawFinding[] => {
    const over: string[] = [];
    for (const year of programme.years) {
      const total = sumOrNull(plan.actions.map((a) => standardRow(a, code)?.values[String(year)]?.target ?? null));
      if (total !== null && total > 100_00) over.push(`${formatPercent(total)} en ${year}`);
    }
    if (over.length === 0) return [];
    return [{ rule, level: 'warning', path: 'actions', message: `La somme « ${what} » des actions dépasse 100 % : ${over.join(', ')}` }];
  };
}

/**
 * Each partner's transfer against the convention amounts of the fiches it operates, year by year: the year's
 * amount when the finance officer typed one, else the fiche plan's annual amount.
 */
function checkConventions({ plan, programme }: CheckInput): RawFinding[] {
  const out: RawFinding[] = [];
  plan.transferts.forEach((t, ti) => {
    const linked = plan.actions.filter((a) => a.fiche.operateur.transferId === t.id);
    if (linked.length === 0) return;
    const gaps: string[] = [];
    let anyValue = false;
    let anyTransfer = false;
    for (const year of programme.years) {
      const transfer = transferOfYear(t, year).amount;
      if (transfer === null) continue;
      anyTransfer = true;
      const amounts = linked.map((a) => standardRow(a, 'montant-convention')?.values[String(year)]?.target ?? null).filter((v): v is number => v !== null);
      if (amounts.length === 0) continue;
      anyValue = true;
      const total = sumOrNull(amounts)!;
      if (Math.abs(total - transfer) >= CONVENTION_TOLERANCE_CENTS * amounts.length) {
        gaps.push(
          transfer === t.montant ? `${formatEuros(total)} en ${year}` : `${formatEuros(total)} en ${year} (transfert ${year} : ${formatEuros(transfer)})`,
        );
      }
    }
    if (!anyTransfer || (t.montant === null && !anyValue)) return;
    // Sorted, so that moving actions does not change the message (and outdate its justification).
    const fiches = linked
      .map(describeAction)
      .sort((a, b) => a.localeCompare(b, 'fr'))
      .join(', ');
    const annual = t.montant === null ? 'montant annuel non renseigné' : formatEuros(t.montant);
    if (!anyValue && t.montant !== null) {
      // Only a typed ex-ante (the total over the programme, e.g. CASA 210.492 = 6 × 35.082): compare totals.
      const exAntes = linked.map((a) => standardRow(a, 'montant-convention')?.exAnte ?? null).filter((v): v is number => v !== null);
      if (exAntes.length > 0) {
        const total = sumOrNull(exAntes)!;
        const yearly = t.montant;
        const isNear = (years: number) => Math.abs(total - yearly * years) < CONVENTION_TOLERANCE_CENTS * years * exAntes.length;
        if (!isNear(programme.years.length)) {
          const expected = yearly * programme.years.length;
          out.push({
            rule: 'convention-transfert',
            level: 'warning',
            path: buildPath('transferts', ti, 'montant'),
            message: `Transfert à « ${t.partenaire} » (${formatEuros(t.montant)} par an) : l'ex-ante des montants de convention des fiches liées (${fiches}) est ${formatEuros(total)} au lieu de ${formatEuros(expected)} sur ${programme.years.length} ans${extensionNote(programme, isNear)}`,
          });
        }
        return;
      }
      out.push({
        rule: 'convention-transfert',
        level: 'warning',
        path: buildPath('transferts', ti, 'montant'),
        message: `Transfert à « ${t.partenaire} » (${formatEuros(t.montant)}) : aucun montant de convention n'est indiqué dans ${linked.length > 1 ? 'les fiches liées' : 'la fiche liée'} (${fiches})`,
      });
    } else if (gaps.length) {
      out.push({
        rule: 'convention-transfert',
        level: 'warning',
        path: buildPath('transferts', ti, 'montant'),
        message: `Transfert à « ${t.partenaire} » (${annual}) : les montants de convention des fiches liées (${fiches}) totalisent ${gaps.join(', ')}`,
      });
    }
  });
  return out;
}

/**
 * After an extension, an ex-ante written for the programme's first years (the Liège conventions over 2020-2025)
 * misses the added years: a convention is to renew for them, which the finding says rather than a bare gap.
 */
function extensionNote(programme: Programme, isNear: (years: number) => boolean): string {
  const initial = programme.prolongation?.anneesInitiales;
  if (!initial || !isNear(initial.length)) return '';
  const added = programme.years.filter((y) => !initial.includes(y));
  if (added.length === 0) return '';
  const span = initial.length > 1 ? `${initial[0]}-${initial[initial.length - 1]}` : String(initial[0]);
  const which = added.length > 1 ? `les années de prolongation ${added.join(', ')}` : `l'année de prolongation ${added[0]}`;
  return ` : il couvre les ${initial.length} années initiales (${span}), pas ${which} (convention à renouveler)`;
}

function checkActionFields({ plan, programme, catalogue }: CheckInput): RawFinding[] {
  const out: RawFinding[] = [];
  const transfersById = new Map(plan.transferts.map((t) => [t.id, t]));
  plan.actions.forEach((a, ai) => {
    const who = describeAction(a);
    const at = (...fields: (string | number)[]) => buildPath('actions', ai, ...fields);
    const axe = axeOfCode(a.code);
    if (!ACTION_CODE_PATTERN.test(a.code)) {
      out.push({ rule: 'code-action', level: 'warning', path: at('code'), message: `${who} : le code « ${a.code} » n'a pas la forme A.T.NN (ex. 1.3.03)` });
    } else if (!catalogue.actions.some((c) => c.code === a.code)) {
      out.push({ rule: 'code-action', level: 'warning', path: at('code'), message: `${who} : le code ${a.code} est absent du catalogue` });
    }
    if (a.droitVise !== null && axe !== null) {
      const droitAxe = DROITS_VISES.find((d) => d.label === a.droitVise)!.axe;
      if (droitAxe !== axe) {
        out.push({
          rule: 'droit-vise-axe',
          level: 'warning',
          path: at('droitVise'),
          message: `${who} : le droit visé « ${a.droitVise} » n'appartient pas à l'axe ${axe} de l'action`,
        });
      }
    }

    const { debut, fin } = a.fiche.calendrier;
    for (const [field, date] of [
      ['debut', debut],
      ['fin', fin],
    ] as const) {
      if (date !== null && (date < programme.start || date > programme.end)) {
        out.push({
          rule: 'calendrier-hors-programme',
          level: 'warning',
          path: at('fiche', 'calendrier', field),
          message: `${who} : la date de ${field === 'debut' ? 'début' : 'fin'} (${date}) est hors du programme (${programme.start} – ${programme.end})`,
        });
      }
    }
    if (debut !== null && fin !== null && fin < debut) {
      out.push({
        rule: 'calendrier-ordre',
        level: 'warning',
        path: at('fiche', 'calendrier', 'fin'),
        message: `${who} : la fin (${fin}) précède le début (${debut})`,
      });
    }
    if (fin !== null) {
      const endYear = Number(fin.slice(0, 4));
      const late = programme.years.filter((y) => y > endYear && a.indicators.some((i) => (i.values[String(y)]?.target ?? 0) > 0));
      if (late.length) {
        out.push({
          rule: 'valeurs-apres-fin',
          level: 'warning',
          path: at('fiche', 'calendrier', 'fin'),
          message: `${who} : l'action se termine le ${fin} mais des cibles sont prévues en ${late.join(', ')}`,
        });
      }
    }

    const transfer = a.fiche.operateur.transferId ? transfersById.get(a.fiche.operateur.transferId) : undefined;
    if (a.fiche.operateur.transferId && !transfer) {
      // Writes refuse such a link (schemas/integrity.ts); data of an older version or a hand-edited database may hold one.
      out.push({
        rule: 'operateur-transfert-inconnu',
        level: 'error',
        path: at('fiche', 'operateur', 'transferId'),
        message: `${who} : l'opérateur est lié à un transfert qui n'existe plus (« ${a.fiche.operateur.transferId} ») : choisissez son transfert ou aucun`,
      });
    }
    if (transfer && a.fiche.conventionPartenariat === false && (transfer.montant ?? 0) > 0) {
      out.push({
        rule: 'convention-sans-transfert',
        level: 'warning',
        path: at('fiche', 'conventionPartenariat'),
        message: `${who} : « Convention de partenariat? » est Non alors que l'opérateur reçoit ${formatEuros(transfer.montant!)} (${transfer.partenaire})`,
      });
    }
    if (transfer && a.fiche.art20 !== null && transfer.art20 !== null && a.fiche.art20 !== transfer.art20) {
      out.push({
        rule: 'art20-fiche-transfert',
        level: 'warning',
        path: at('fiche', 'art20'),
        message: `${who} : « Art.20? » vaut ${a.fiche.art20 ? 'Oui' : 'Non'} dans la fiche et ${transfer.art20 ? 'Oui' : 'Non'} pour le transfert à « ${transfer.partenaire} »`,
      });
    }
    const partBudget = standardRow(a, 'part-budget');
    const isArt20 = transfer?.art20 === true || a.fiche.art20 === true;
    if (isArt20 && partBudget && programme.years.some((y) => (partBudget.values[String(y)]?.target ?? 0) > 0)) {
      out.push({
        rule: 'part-budget-art20',
        level: 'warning',
        path: at('indicators', a.indicators.indexOf(partBudget)),
        message: `${who} : action financée par l'art.20, sa « Part du budget PCS (hors art.20) » devrait être nulle`,
      });
    }
    const temps = standardRow(a, 'temps-consacre');
    // The form's wording of "no involvement of the team": a programme that words its degrees otherwise skips this check.
    if (a.fiche.degreImplication === DEGRES_IMPLICATION[3] && temps && programme.years.some((y) => (temps.values[String(y)]?.target ?? 0) > 0)) {
      out.push({
        rule: 'temps-sans-implication',
        level: 'warning',
        path: at('indicators', a.indicators.indexOf(temps)),
        message: `${who} : aucune implication de l'équipe PCS, mais du temps de l'équipe est prévu pour l'action`,
      });
    }
  });
  return out;
}

const RULES: ((input: CheckInput) => RawFinding[])[] = [
  checkBudget,
  checkTimeAllocation,
  checkIndicators,
  checkActionsShare('temps-consacre', 'actions-temps-total', '% de temps consacré'),
  checkActionsShare('part-budget', 'actions-part-budget-total', 'Part du budget PCS'),
  checkConventions,
  checkActionFields,
  ({ plan, programme }) => checkFinance(plan, programme),
];

const LEVEL_ORDER: Record<FindingLevel, number> = { error: 0, warning: 1, info: 2 };

/** Every finding of the plan, errors first, in form order within a level, each with its stable key. */
export function checkPlan(plan: PlanDocument, programme: Programme, catalogue: Catalogue): Finding[] {
  const input = { plan, programme, catalogue };
  const findings = RULES.flatMap((rule) => rule(input));
  const seen = new Map<string, number>();
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => LEVEL_ORDER[a.f.level] - LEVEL_ORDER[b.f.level] || a.i - b.i)
    .map(({ f }) => {
      const base = `${f.rule}:${stablePath(plan, f.path)}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      return { ...f, key: n === 1 ? base : `${base}~${n}` };
    });
}

export type JustifiedFinding = Finding & {
  justification: { texte: string; auteur: string; justifieLe: string; version: number; outdated: boolean } | null;
};

/**
 * The findings with their justification (by key). Any finding can be justified (by the chef de projet or the finance
 * officer); an error without one blocks the submission of the annual report (schemas/submission.ts). A justification written for another message (the figures
 * changed since) stays visible but is marked outdated; one whose finding is gone is not shown.
 */
export function attachJustifications(findings: readonly Finding[], justifications: readonly Justification[]): JustifiedFinding[] {
  const byKey = new Map(justifications.map((j) => [j.cle, j]));
  return findings.map((f) => {
    const j = byKey.get(f.key);
    return {
      ...f,
      justification: j ? { texte: j.texte, auteur: j.auteur, justifieLe: j.justifieLe, version: j.version, outdated: j.constat !== f.message } : null,
    };
  });
}
