import { computeBudgetFigures, PART_COMMUNALE_MINIMUM_PERCENT, PART_COMMUNALE_MINIMUM_TEXT } from '../../../schemas/budget.ts';
import { describeAction } from '../../../schemas/action.ts';
import { formatDate } from '../../../schemas/dates.ts';
import { TIME_CATEGORIES, YES } from '../../../schemas/enums.ts';
import { RGPD_TITLE, rgpdParagraphs, runningHeader } from '../../../schemas/form-text.ts';
import { TIME_PERIOD_EX_ANTE, TIME_PERIOD_EX_POST, type Plan } from '../../../schemas/plan.ts';
import { resolveCatalogueEntry, type Catalogue, type Programme } from '../../../schemas/reference.ts';
import { sumOrNull } from '../../../schemas/numbers.ts';
import { buildPath } from '../../../schemas/plan-path.ts';
import { FormWriter } from './form-writer.ts';
import { codecs, NUMBER_FORMATS, SheetBuilder, address, toSpreadsheetNumber, wrappedHeight, type LayoutCell, type SheetLayout } from './model.ts';

export const PLAN_SHEET = 'Fiche plan';

const euro = (cents: number | null) => (cents === null ? '' : toSpreadsheetNumber(cents, 2));

/** What every section of the sheet writes with: the plan, its programme's years and periods, the sheet and its form. */
type PlanSheet = {
  plan: Plan;
  programme: Programme;
  years: string[];
  /** Ex-ante, the programme's years, ex-post: the columns of the time split. */
  periods: string[];
  lastCol: number;
  b: SheetBuilder;
  w: FormWriter;
};

/**
 * The "Fiche plan" sheet: every section of the form in its order, with the running header, the RGPD notice and
 * live totals (formulas with their computed results, from the same shared functions as the grid and the checks).
 */
export function layoutFichePlan(plan: Plan, programme: Programme, catalogue: Catalogue, actionSheets: Map<string, string>): SheetLayout {
  const years = programme.years.map(String);
  const periods = [TIME_PERIOD_EX_ANTE, ...years, TIME_PERIOD_EX_POST];
  const lastCol = 2 + periods.length;
  const b = new SheetBuilder();
  const widths = [2, 62, ...periods.map(() => 15)];
  const s: PlanSheet = { plan, programme, years, periods, lastCol, b, w: new FormWriter(b, plan, lastCol, 'Fiche plan', widths) };

  layoutHeading(s);
  layoutPorteur(s);
  layoutIdentite(s);
  layoutEquipe(s);
  layoutChefDeProjet(s);
  layoutEquipeMembres(s);
  layoutServiceCitoyen(s);
  const budget = layoutBudget(s);
  layoutTransferts(s, budget);
  layoutConsommation(s);
  layoutIsadf(s);
  layoutIndicateursPlan(s);
  layoutTextes(s);
  layoutActionList(s, catalogue, actionSheets);
  layoutRepartitionTemps(s);
  layoutFormations(s);
  layoutCommissions(s);
  layoutReunionsOrganisees(s);
  layoutReunionsInvite(s);
  layoutCommunication(s);
  layoutPartenaires(s);

  return {
    name: PLAN_SHEET,
    key: `plan:${plan.id}`,
    widths,
    rows: b.rows,
    frozenRows: 2,
    landscape: true,
    protect: true,
  };
}

/** The running header, the sheet's title and the RGPD notice. */
function layoutHeading({ plan, programme, lastCol, b, w }: PlanSheet): void {
  b.add([{ col: 2, value: runningHeader(plan), style: 'runningHeader', span: lastCol - 1 }], { key: `plan:${plan.id}` });
  b.add([{ col: 2, value: `Fiche plan — ${programme.label}`, style: 'title', span: lastCol - 1 }]);
  w.section(RGPD_TITLE);
  for (const p of rgpdParagraphs(programme)) w.note(p);
}

function layoutPorteur({ w }: PlanSheet): void {
  w.section('Porteur');
  w.field(
    'Est-ce que le plan est porté par un seul pouvoir local ou une association de pouvoirs locaux?',
    buildPath('porteur', 'type'),
    codecs.choice('PORTEUR_TYPES'),
  );
  w.field('Commune(s) concernée(s) (la commune porteuse en premier, une par ligne)', buildPath('porteur', 'communesAssociees'), codecs.lines);
  w.subtitle('Le pouvoir local porteur du PCS');
  w.field('Par qui est porté le PCS?', buildPath('porteur', 'porteParQui'), codecs.choice('PORTE_PAR'));
  w.field('Plan approuvé par le Conseil communal/ CPAS le', buildPath('porteur', 'dateApprobation'), codecs.date, { narrow: true });
  w.field("Dénomination dans l'en-tête (ex. « la Ville de Liège »)", buildPath('porteur', 'denomination'), codecs.text);
}

function layoutIdentite({ plan, programme, lastCol, b, w }: PlanSheet): void {
  w.section('Identité de la commune / du CPAS');
  w.field('Adresse de la commune/CPAS:', buildPath('identite', 'adresse'), codecs.text);
  w.header(['Représentant(s) — Nom', 'Prénom', 'Civ.', 'Fonction']);
  plan.identite.representants.forEach((_, i) => {
    const path = (field: string) => buildPath('identite', 'representants', i, field);
    const l = `représentant ${i + 1}`;
    b.add([
      w.input(2, path('nom'), codecs.text, `${l}, nom`),
      w.input(3, path('prenom'), codecs.text, `${l}, prénom`),
      w.input(4, path('civilite'), codecs.choice('CIVILITES'), `${l}, civilité`),
      w.input(5, path('fonction'), codecs.text, `${l}, fonction`, { span: lastCol - 4 }),
    ]);
  });
  w.field('Tél.général:', buildPath('identite', 'telephone'), codecs.text);
  w.field('Directeur Financier:', buildPath('identite', 'directeurFinancier'), codecs.text);
  w.field('Courriel de la commune/CPAS:', buildPath('identite', 'courriel'), codecs.text);
  w.field('Site internet de la commune/CPAS:', buildPath('identite', 'siteInternet'), codecs.text);
  w.field(`Population (${formatDate(programme.populationReferenceDate)}):`, buildPath('identite', 'population'), codecs.count, { narrow: true });
  w.field('Province:', buildPath('identite', 'province'), codecs.choice('PROVINCES'));
}

function layoutEquipe({ years, w }: PlanSheet): void {
  w.section(`L'équipe en charge du PCS ${years[0]}-${years[years.length - 1]}`);
  w.field('Adresse principale du PCS:', buildPath('equipe', 'adressePcs'), codecs.text);
  w.field('Chef de projet — Civ.', buildPath('equipe', 'chefDeProjet', 'civilite'), codecs.choice('CIVILITES'), { narrow: true });
  w.field('Chef de projet — Nom', buildPath('equipe', 'chefDeProjet', 'nom'), codecs.text);
  w.field('Chef de projet — Prénom', buildPath('equipe', 'chefDeProjet', 'prenom'), codecs.text);
  w.field('Tél.du chef de projet:', buildPath('equipe', 'telephone'), codecs.text);
  w.field('GSM du chef de projet:', buildPath('equipe', 'gsm'), codecs.text);
  w.field('Courriel 1 chef de projet:', buildPath('equipe', 'courriel1'), codecs.text);
  w.field('Courriel 2 (si spam):', buildPath('equipe', 'courriel2'), codecs.text);
  w.field('Président de la CA — Civ.', buildPath('equipe', 'presidentCa', 'civilite'), codecs.choice('CIVILITES'), { narrow: true });
  w.field('Président de la CA — Nom', buildPath('equipe', 'presidentCa', 'nom'), codecs.text);
  w.field('Président de la CA — Prénom', buildPath('equipe', 'presidentCa', 'prenom'), codecs.text);
  w.field('Attribution/fonction:', buildPath('equipe', 'presidentCa', 'fonction'), codecs.text);
  w.field('Adresse site internet PCS:', buildPath('equipe', 'siteInternetPcs'), codecs.text);
  w.field('Adresse page Facebook PCS:', buildPath('equipe', 'facebookPcs'), codecs.text);
}

function layoutChefDeProjet({ w }: PlanSheet): void {
  w.section('A propos du chef de projet');
  w.field("Date d'entrée en fonction en tant que chef de projet du PCS:", buildPath('chefDeProjet', 'dateEntreeFonction'), codecs.date, { narrow: true });
  w.field('Type de contrat:', buildPath('chefDeProjet', 'typeContrat'), codecs.choice('TYPES_CONTRAT'));
  w.field('Type de contrat (si autre):', buildPath('chefDeProjet', 'typeContratAutre'), codecs.text);
  w.field('ETP (en tant que chef de projet):', buildPath('chefDeProjet', 'etp'), codecs.etp, { narrow: true });
  w.field('Engagement ou détachement?', buildPath('chefDeProjet', 'engagementOuDetachement'), codecs.choice('ENGAGEMENT_DETACHEMENT'));
  w.field('Avez-vous une autre fonction (ex.animateur) au sein du PCS?', buildPath('chefDeProjet', 'autreFonction'), codecs.yesno, { narrow: true });
  w.field("Années d'expérience en gestion de projet lors de la prise en charge du PCS:", buildPath('chefDeProjet', 'anneesExperience'), codecs.count, {
    narrow: true,
  });
  w.field('Diplôme le plus élevé?', buildPath('chefDeProjet', 'diplome'), codecs.choice('DIPLOMES'));
  w.field('Diplôme (si autre):', buildPath('chefDeProjet', 'diplomeAutre'), codecs.text);
  w.field('Si master ou bachelier orientation:', buildPath('chefDeProjet', 'orientation'), codecs.text);
}

/** The other workers of the team, one row each, and their total ETP. */
function layoutEquipeMembres({ plan, b, w }: PlanSheet): void {
  w.section("A propos des autres travailleurs de l'équipe financés par le PCS");
  w.header(['Nom/prénom', "Fonction au sein de l'équipe", 'Fonction (si autre)', 'ETP']);
  const teamFirst = b.next;
  plan.equipeMembres.forEach((m, i) => {
    const path = (field: string) => buildPath('equipeMembres', i, field);
    const l = `équipe, ligne ${i + 1} (${m.nomPrenom})`;
    b.add(
      [
        w.input(2, path('nomPrenom'), codecs.text, `${l}, nom/prénom`),
        w.input(3, path('fonction'), codecs.choice('FONCTIONS_EQUIPE'), `${l}, fonction`),
        w.input(4, path('fonctionAutre'), codecs.text, `${l}, fonction (autre)`),
        w.input(5, path('etp'), codecs.etp, `${l}, ETP`),
      ],
      { key: `equipeMembres:${m.id}` },
    );
  });
  const teamEtp = sumOrNull(plan.equipeMembres.map((m) => m.etp));
  b.add([
    { col: 2, value: "Total de l'équipe (ETP)", style: 'total', span: 3 },
    sumFormula(5, teamFirst, b.next - 1, teamEtp === null ? '' : toSpreadsheetNumber(teamEtp, 2), NUMBER_FORMATS.etp),
  ]);
}

function layoutServiceCitoyen({ w }: PlanSheet): void {
  w.section('Service citoyen');
  w.field('Le pouvoir local fait-il appel au service citoyen?', buildPath('serviceCitoyen', 'recours'), codecs.yesno, { narrow: true });
}

/** What the transfers' table checks against: the budget's figures and the row of its subsidies to institutions. */
type BudgetRows = { figures: ReturnType<typeof computeBudgetFigures>; subventionsInstitutionsRow: number };

/** Budget: the lines, the totals typed on the form, and live sums. */
function layoutBudget({ plan, b, w }: PlanSheet): BudgetRows {
  const figures = computeBudgetFigures(plan);
  w.section('Budget annuel du PCS (prévisionnel puis à actualiser)');
  w.header(['Recettes:', 'Montant']);
  const rSub = w.field('Subvention PCS', buildPath('budget', 'recettes', 'subventionPcs'), codecs.euro, { narrow: true });
  const rPart = w.field('Part communale', buildPath('budget', 'recettes', 'partCommunale'), codecs.euro, { narrow: true });
  w.field('Subvention(s) art.20', buildPath('budget', 'recettes', 'subventionsArt20'), codecs.euro, { narrow: true });
  const rLast = w.field('Autre(s) subv./recette(s)', buildPath('budget', 'recettes', 'autres'), codecs.euro, { narrow: true });
  const rSum = b.add([
    { col: 2, value: 'Total des recettes (somme des lignes)', style: 'total' },
    sumFormula(3, rSub, rLast, euro(figures.recettesSum), NUMBER_FORMATS.euro),
  ]);
  const rTyped = w.field('Total des recettes indiqué sur le formulaire (laisser vide pour la somme)', buildPath('budget', 'recettes', 'total'), codecs.euro, {
    narrow: true,
  });
  const rKept = b.add([
    { col: 2, value: 'Total des recettes retenu', style: 'total' },
    { col: 3, formula: `IF(ISBLANK(C${rTyped}),C${rSum},C${rTyped})`, result: euro(figures.totalRecettes), style: 'total', numFmt: NUMBER_FORMATS.euro },
  ]);
  w.header(['Dépenses:', 'Montant']);
  const dFirst = w.field('Frais de personnel', buildPath('budget', 'depenses', 'personnel'), codecs.euro, { narrow: true });
  w.field('Frais de fonctionnement', buildPath('budget', 'depenses', 'fonctionnement'), codecs.euro, { narrow: true });
  w.field("Frais d'investissement", buildPath('budget', 'depenses', 'investissement'), codecs.euro, { narrow: true });
  const dSubv = w.field(
    'Subventions aux institutions et associations (y compris art.20)',
    buildPath('budget', 'depenses', 'subventionsInstitutions'),
    codecs.euro,
    {
      narrow: true,
    },
  );
  const dSum = b.add([
    { col: 2, value: 'Total des dépenses (somme des lignes)', style: 'total' },
    sumFormula(3, dFirst, dSubv, euro(figures.depensesSum), NUMBER_FORMATS.euro),
  ]);
  const dTyped = w.field('Total des dépenses indiqué sur le formulaire (laisser vide pour la somme)', buildPath('budget', 'depenses', 'total'), codecs.euro, {
    narrow: true,
  });
  const dKept = b.add([
    { col: 2, value: 'Total des dépenses retenu', style: 'total' },
    { col: 3, formula: `IF(ISBLANK(C${dTyped}),C${dSum},C${dTyped})`, result: euro(figures.totalDepenses), style: 'total', numFmt: NUMBER_FORMATS.euro },
  ]);
  const balance = figures.totalRecettes === null || figures.totalDepenses === null ? null : figures.totalRecettes - figures.totalDepenses;
  b.add([
    { col: 2, value: 'Solde (recettes − dépenses)', style: 'total' },
    { col: 3, formula: `IF(AND(C${rKept}="",C${dKept}=""),"",N(C${rKept})-N(C${dKept}))`, result: euro(balance), style: 'total', numFmt: NUMBER_FORMATS.euro },
  ]);
  b.add([
    { col: 2, value: 'Part communale / subvention PCS', style: 'total' },
    {
      col: 3,
      formula: `IF(OR(ISBLANK(C${rPart}),ISBLANK(C${rSub}),C${rSub}=0),"",ROUND(C${rPart}/C${rSub},4))`,
      result: figures.partCommunaleRatio === null ? '' : toSpreadsheetNumber(figures.partCommunaleRatio, 4),
      style: 'total',
      numFmt: NUMBER_FORMATS.percent,
    },
  ]);
  b.add([
    { col: 2, value: `Part communale minimale (${PART_COMMUNALE_MINIMUM_TEXT} de la subvention PCS)`, style: 'total' },
    {
      col: 3,
      formula: `IF(OR(ISBLANK(C${rSub}),C${rSub}=0),"",ROUNDUP(C${rSub}*${PART_COMMUNALE_MINIMUM_PERCENT}/100,2))`,
      result: euro(figures.partCommunaleMinimum),
      style: 'total',
      numFmt: NUMBER_FORMATS.euro,
    },
  ]);
  return { figures, subventionsInstitutionsRow: dSubv };
}

/** The transfers by partner and, when there are some, their totals checked against the budget's subsidies line. */
function layoutTransferts({ plan, b, w }: PlanSheet, { figures, subventionsInstitutionsRow: dSubv }: BudgetRows): void {
  w.section('Ventilation des transferts par partenaire:');
  w.header(["Partenaires, nom de l'association/institution", 'Art.20?', 'Montants transférés']);
  const tFirst = b.next;
  plan.transferts.forEach((t, i) => {
    const path = (field: string) => buildPath('transferts', i, field);
    const l = `transfert ${i + 1} (${t.partenaire})`;
    b.add(
      [
        w.input(2, path('partenaire'), codecs.text, `${l}, partenaire`),
        w.input(3, path('art20'), codecs.yesno, `${l}, art.20`),
        w.input(4, path('montant'), codecs.euro, `${l}, montant`),
      ],
      { key: `transfert:${t.id}` },
    );
  });
  const tLast = b.next - 1;
  if (tLast < tFirst) return;
  const names = `C${tFirst}:C${tLast}`;
  const amounts = `D${tFirst}:D${tLast}`;
  const gap =
    figures.transfersSum === null || plan.budget.depenses.subventionsInstitutions === null
      ? null
      : plan.budget.depenses.subventionsInstitutions - figures.transfersSum;
  b.add([{ col: 2, value: 'Total des transferts', style: 'total', span: 2 }, sumFormula(4, tFirst, tLast, euro(figures.transfersSum), NUMBER_FORMATS.euro)]);
  b.add([
    { col: 2, value: 'dont art.20', style: 'total', span: 2 },
    {
      col: 4,
      formula: `IF(COUNTIF(${names},"${YES}")=0,"",SUMIF(${names},"${YES}",${amounts}))`,
      result: euro(figures.art20Sum),
      style: 'total',
      numFmt: NUMBER_FORMATS.euro,
    },
  ]);
  b.add([
    { col: 2, value: 'Écart avec « Subventions aux institutions et associations »', style: 'total', span: 2 },
    {
      col: 4,
      formula: `IF(OR(ISBLANK(C${dSubv}),COUNT(${amounts})=0),"",C${dSubv}-SUM(${amounts}))`,
      result: euro(gap),
      style: 'total',
      numFmt: NUMBER_FORMATS.euro,
    },
  ]);
}

function layoutConsommation({ years, b, w }: PlanSheet): void {
  w.section('Consommation réelle de la subvention PCS et de la part communale, telle que mentionnée dans E-compte (= imputations):');
  w.header(years, 3);
  b.add([
    { col: 2, value: 'Montant imputé', style: 'label' },
    ...years.map((y, i) => w.input(3 + i, buildPath('consommation', y), codecs.euro, `consommation E-compte ${y}`)),
  ]);
}

function layoutIsadf({ plan, b, w }: PlanSheet): void {
  w.section('Radar ISADF');
  w.subtitle("Indicateur synthétique d'accès aux droits fondamentaux (ISADF)");
  w.field('Année de référence', buildPath('isadf', 'annee'), codecs.year, { narrow: true });
  w.field('ISADF de la commune (0 à 1)', buildPath('isadf', 'valeur'), codecs.thousandths, { narrow: true });
  w.header(['Dimension', 'Valeur (0 à 1)']);
  plan.isadf.dimensions.forEach((d, i) => {
    const path = (field: string) => buildPath('isadf', 'dimensions', i, field);
    const l = `ISADF, dimension ${i + 1} (${d.label})`;
    b.add([w.input(2, path('label'), codecs.text, `${l}, libellé`), w.input(3, path('valeur'), codecs.thousandths, `${l}, valeur`)]);
  });
  b.add([], { figure: { kind: 'isadf' } });
}

function layoutIndicateursPlan({ plan, lastCol, b, w }: PlanSheet): void {
  w.section('Indicateurs de suivi du plan');
  w.subtitle('Indicateurs subjectifs et/ou propres à la commune:');
  w.header(['Indicateur', 'Situation ex-ante', null, null, 'Situation Ex-post']);
  const half = Math.floor((lastCol - 2) / 2);
  plan.indicateursPlan.rows.forEach((r, i) => {
    const path = (field: string) => buildPath('indicateursPlan', 'rows', i, field);
    const l = `indicateur du plan ${i + 1} (${r.libelle})`;
    b.add(
      [
        w.input(2, path('libelle'), codecs.text, `${l}, libellé`),
        w.input(3, path('exAnte'), codecs.text, `${l}, situation ex-ante`, { span: half }),
        w.input(3 + half, path('exPost'), codecs.text, `${l}, situation ex-post`, { span: lastCol - 2 - half }),
      ],
      { key: `indicateurPlan:${r.id}` },
    );
  });
  w.longText('Remarque', buildPath('indicateursPlan', 'remarque'));
}

/** "Le plan": the portrait, needs, vision and objective, as long texts. */
function layoutTextes({ years, w }: PlanSheet): void {
  w.section('Le plan');
  w.longText("Portrait de la commune / du territoire couvert par l'association de pouvoirs locaux:", buildPath('textes', 'portrait'));
  w.longText(
    "Problèmes/Besoins auxquels la commune ou le territoire couvert par l'association de pouvoirs locaux est confronté:",
    buildPath('textes', 'problemesBesoins'),
  );
  w.longText(`Vision de la situation désirée en ${years[years.length - 1]} sur le territoire couvert par le PCS:`, buildPath('textes', 'vision'));
  w.longText(
    `Plus value / Valeur ajoutée par le plan pour passer de la situation de ${years[0]} à ${years[years.length - 1]}:`,
    buildPath('textes', 'plusValue'),
  );
  w.longText('Objectif stratégique du plan:', buildPath('textes', 'objectifStrategique'));
  w.longText(
    'Commentaires facultatifs en cas de modifications substantielles apportées à la "fiche plan" en cours de plan:',
    buildPath('textes', 'commentairesModifications'),
  );
}

/** "Liste des actions": one row per fiche action, with a link to its sheet. */
function layoutActionList({ plan, lastCol, b, w }: PlanSheet, catalogue: Catalogue, actionSheets: Map<string, string>): void {
  w.section('Liste des actions:');
  w.header(["N° et intitulé de l'action", 'Statut', 'Droits visés', 'Priorité', 'Opérateur', null, 'Fiche']);
  plan.actions.forEach((a, i) => {
    const path = (field: string) => buildPath('actions', i, field);
    const entry = resolveCatalogueEntry(catalogue, a.code);
    const l = `liste des actions, ${describeAction(a)}`;
    const sheet = actionSheets.get(a.id);
    const who = a.fiche.operateur.organisme ?? (a.fiche.operateur.equipePcs ? 'Équipe PCS' : '');
    const titleText = `${a.code} ${entry?.intitule ?? ''}`.trim();
    b.add(
      [
        { col: 2, value: titleText, style: 'static' },
        w.input(3, path('statut'), codecs.choice('STATUTS_ACTION'), `${l}, statut`),
        w.input(4, path('droitVise'), codecs.choice('DROIT_VISE_LABELS'), `${l}, droit visé`),
        w.input(5, path('priorite'), codecs.count, `${l}, priorité`),
        { col: 6, value: who, style: 'static', span: 2 },
        sheet ? { col: 8, value: 'Voir la fiche', link: sheet, style: 'static', span: lastCol - 7 } : { col: 8, value: null, style: 'static' },
      ],
      { key: `liste:${a.id}`, height: wrappedHeight(titleText, 55) },
    );
  });
}

/** The project leader's time split: one row per category, one column per period, and the totals. */
function layoutRepartitionTemps({ plan, periods, b, w }: PlanSheet): void {
  w.section("Répartition de l'activité du chef de projet — Etat d'avancement");
  b.add([
    { col: 2, value: 'Temps consacré en %:', style: 'tableHeader' },
    ...periods.map((p, i) => ({ col: 3 + i, value: periodTitle(p), style: 'tableHeader' as const })),
  ]);
  const timeFirst = b.next;
  for (const cat of TIME_CATEGORIES) {
    b.add(
      [
        { col: 2, value: cat.label, style: 'label' },
        ...periods.map((p, i) =>
          w.input(3 + i, buildPath('repartitionTemps', cat.code, p), codecs.percent, `répartition du temps, « ${cat.label} », ${periodTitle(p)}`),
        ),
      ],
      { height: wrappedHeight(cat.label, 60) },
    );
  }
  const timeLast = b.next - 1;
  b.add([
    { col: 2, value: 'Total (100%)', style: 'total' },
    ...periods.map((p, i) => {
      const total = sumOrNull(TIME_CATEGORIES.map((c) => plan.repartitionTemps[c.code]?.[p] ?? null));
      return sumFormula(3 + i, timeFirst, timeLast, total === null ? '' : toSpreadsheetNumber(total, 4), NUMBER_FORMATS.percent);
    }),
  ]);
}

function layoutFormations({ plan, b, w }: PlanSheet): void {
  w.section('Formations suivies par le chef de projet');
  w.header(['Thématique', 'Année', 'Organisateur', null, 'Satisfaction (1 à 10)']);
  plan.formations.forEach((f, i) => {
    const path = (field: string) => buildPath('formations', i, field);
    const l = `formation ${i + 1} (${f.thematique})`;
    b.add(
      [
        w.input(2, path('thematique'), codecs.text, `${l}, thématique`),
        w.input(3, path('annee'), codecs.year, `${l}, année`),
        w.input(4, path('organisateur'), codecs.text, `${l}, organisateur`, { span: 2 }),
        w.input(6, path('satisfaction'), codecs.count, `${l}, satisfaction`),
      ],
      { key: `formation:${f.id}` },
    );
  });
}

function layoutCommissions({ years, w }: PlanSheet): void {
  w.section("Dates des commissions d'accompagnement");
  for (const y of years) w.field(y, buildPath('commissions', 'dates', y), codecs.dateLines);
}

function layoutReunionsOrganisees({ plan, lastCol, b, w }: PlanSheet): void {
  w.section('Réunions/plateformes/groupes de travail thématiques organisés par le PCS');
  w.header(['Thématique', 'Rôle du chef de projet', null, 'Dates (une par ligne)']);
  plan.reunionsOrganisees.forEach((r, i) => {
    const path = (field: string) => buildPath('reunionsOrganisees', i, field);
    const l = `réunion organisée ${i + 1} (${r.thematique})`;
    const dates = w.input(5, path('dates'), codecs.dateLines, `${l}, dates`, { span: lastCol - 4 });
    b.add(
      [
        w.input(2, path('thematique'), codecs.text, `${l}, thématique`),
        w.input(3, path('roleChefDeProjet'), codecs.text, `${l}, rôle du chef de projet`, { span: 2 }),
        dates,
      ],
      { key: `reunionOrganisee:${r.id}`, height: wrappedHeight(String(dates.value ?? ''), 10) },
    );
  });
}

function layoutReunionsInvite({ plan, lastCol, b, w }: PlanSheet): void {
  w.section("Participation à des réunions/plateformes/groupes de travail thématiques en tant qu'invité");
  w.header(['Thématique', 'Institution', null, 'Plus values principales pour le PCS', null, null, 'Dates (une par ligne)']);
  plan.reunionsInvite.forEach((r, i) => {
    const path = (field: string) => buildPath('reunionsInvite', i, field);
    const l = `réunion en tant qu'invité ${i + 1} (${r.thematique})`;
    const plus = w.input(5, path('plusValues'), codecs.lines, `${l}, plus-values`, { span: 3 });
    const dates = w.input(8, path('dates'), codecs.dateLines, `${l}, dates`, { span: lastCol - 7 });
    b.add(
      [
        w.input(2, path('thematique'), codecs.text, `${l}, thématique`),
        w.input(3, path('institution'), codecs.text, `${l}, institution`, { span: 2 }),
        plus,
        dates,
      ],
      { key: `reunionInvite:${r.id}`, height: Math.max(wrappedHeight(String(plus.value ?? ''), 40), wrappedHeight(String(dates.value ?? ''), 10)) },
    );
  });
}

function layoutCommunication({ w }: PlanSheet): void {
  w.section('Communication autour du plan');
  w.field('Communication externe (une par ligne)', buildPath('communication', 'externe'), codecs.lines);
  w.field('Communication externe — autre', buildPath('communication', 'externeAutre'), codecs.text);
  w.field('Communication interne (une par ligne)', buildPath('communication', 'interne'), codecs.lines);
  w.field('Communication interne — autre', buildPath('communication', 'interneAutre'), codecs.text);
}

/** The partners, with the codes of the fiches they take part in. */
function layoutPartenaires({ plan, lastCol, b, w }: PlanSheet): void {
  w.section('Partenaires');
  w.header(['Nom:', 'Liste', "Champs d'action:", "Champs d'action (si autre)", 'Tél.:', 'N°action(s):', 'Courriel:']);
  const codeOf = new Map(plan.actions.map((a) => [a.id, a.code]));
  plan.partenaires.forEach((p, i) => {
    const path = (field: string) => buildPath('partenaires', i, field);
    const l = `partenaire ${i + 1} (${p.nom})`;
    const mails = w.input(8, path('courriels'), codecs.lines, `${l}, courriels`, { span: lastCol - 7 });
    b.add(
      [
        w.input(2, path('nom'), codecs.text, `${l}, nom`),
        { col: 3, value: p.liste === 'portent' ? 'Portent des actions' : 'Part active', style: 'static' },
        w.input(4, path('champAction'), codecs.choice('CHAMPS_ACTION_PARTENAIRE'), `${l}, champ d'action`),
        w.input(5, path('champActionAutre'), codecs.text, `${l}, champ d'action (autre)`),
        w.input(6, path('telephone'), codecs.text, `${l}, téléphone`),
        { col: 7, value: p.actionIds.map((id) => codeOf.get(id) ?? '').join(' '), style: 'static' },
        mails,
      ],
      { key: `partenaire:${p.id}`, height: wrappedHeight(String(mails.value ?? ''), 30) },
    );
  });
}

/** Σ of a column's rows first..last, blank when none is filled; an empty table (last < first) has no formula. */
function sumFormula(col: number, first: number, last: number, result: number | string, numFmt: string): LayoutCell {
  if (last < first) return { col, value: null, style: 'total', numFmt };
  const range = `${address(col, first)}:${address(col, last)}`;
  return { col, formula: `IF(COUNT(${range})=0,"",SUM(${range}))`, result, style: 'total', numFmt };
}

function periodTitle(period: string): string {
  return period === TIME_PERIOD_EX_ANTE ? 'Ex-ante' : period === TIME_PERIOD_EX_POST ? 'Ex-post' : period;
}
