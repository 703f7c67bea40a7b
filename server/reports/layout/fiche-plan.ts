import { computeBudgetFigures, PART_COMMUNALE_MINIMUM_PERCENT, PART_COMMUNALE_MINIMUM_TEXT } from '../../../schemas/budget.ts';
import { describeAction } from '../../../schemas/action.ts';
import { formatDate } from '../../../schemas/dates.ts';
import { TIME_CATEGORIES, YES } from '../../../schemas/enums.ts';
import { RGPD_TITLE, rgpdParagraphs, runningHeader } from '../../../schemas/form-text.ts';
import { TIME_PERIOD_EX_ANTE, TIME_PERIOD_EX_POST, type Plan } from '../../../schemas/plan.ts';
import { resolveCatalogueEntry, type Catalogue, type Programme } from '../../../schemas/reference.ts';
import { sumOrNull } from '../../../schemas/numbers.ts';
import { FormWriter } from './form-writer.ts';
import { codecs, NUMBER_FORMATS, SheetBuilder, address, toSpreadsheetNumber, wrappedHeight, type LayoutCell, type SheetLayout } from './model.ts';

export const PLAN_SHEET = 'Fiche plan';

const euro = (cents: number | null) => (cents === null ? '' : toSpreadsheetNumber(cents, 2));

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
  const w = new FormWriter(b, plan, lastCol, 'Fiche plan', widths);

  b.add([{ col: 2, value: runningHeader(plan), style: 'runningHeader', span: lastCol - 1 }], { key: `plan:${plan.id}` });
  b.add([{ col: 2, value: `Fiche plan — ${programme.label}`, style: 'title', span: lastCol - 1 }]);

  w.section(RGPD_TITLE);
  for (const p of rgpdParagraphs(programme)) w.note(p);

  w.section('Porteur');
  w.field('Est-ce que le plan est porté par un seul pouvoir local ou une association de pouvoirs locaux?', 'porteur.type', codecs.choice('PORTEUR_TYPES'));
  w.field('Commune(s) concernée(s) (la commune porteuse en premier, une par ligne)', 'porteur.communesAssociees', codecs.lines);
  w.subtitle('Le pouvoir local porteur du PCS');
  w.field('Par qui est porté le PCS?', 'porteur.porteParQui', codecs.choice('PORTE_PAR'));
  w.field('Plan approuvé par le Conseil communal/ CPAS le', 'porteur.dateApprobation', codecs.date, { narrow: true });
  w.field("Dénomination dans l'en-tête (ex. « la Ville de Liège »)", 'porteur.denomination', codecs.text);

  w.section('Identité de la commune / du CPAS');
  w.field('Adresse de la commune/CPAS:', 'identite.adresse', codecs.text);
  w.header(['Représentant(s) — Nom', 'Prénom', 'Civ.', 'Fonction']);
  plan.identite.representants.forEach((_, i) => {
    const p = `identite.representants.${i}`;
    const l = `représentant ${i + 1}`;
    b.add([
      w.input(2, `${p}.nom`, codecs.text, `${l}, nom`),
      w.input(3, `${p}.prenom`, codecs.text, `${l}, prénom`),
      w.input(4, `${p}.civilite`, codecs.choice('CIVILITES'), `${l}, civilité`),
      w.input(5, `${p}.fonction`, codecs.text, `${l}, fonction`, { span: lastCol - 4 }),
    ]);
  });
  w.field('Tél.général:', 'identite.telephone', codecs.text);
  w.field('Directeur Financier:', 'identite.directeurFinancier', codecs.text);
  w.field('Courriel de la commune/CPAS:', 'identite.courriel', codecs.text);
  w.field('Site internet de la commune/CPAS:', 'identite.siteInternet', codecs.text);
  w.field(`Population (${formatDate(programme.populationReferenceDate)}):`, 'identite.population', codecs.count, { narrow: true });
  w.field('Province:', 'identite.province', codecs.choice('PROVINCES'));

  w.section(`L'équipe en charge du PCS ${years[0]}-${years[years.length - 1]}`);
  w.field('Adresse principale du PCS:', 'equipe.adressePcs', codecs.text);
  w.field('Chef de projet — Civ.', 'equipe.chefDeProjet.civilite', codecs.choice('CIVILITES'), { narrow: true });
  w.field('Chef de projet — Nom', 'equipe.chefDeProjet.nom', codecs.text);
  w.field('Chef de projet — Prénom', 'equipe.chefDeProjet.prenom', codecs.text);
  w.field('Tél.du chef de projet:', 'equipe.telephone', codecs.text);
  w.field('GSM du chef de projet:', 'equipe.gsm', codecs.text);
  w.field('Courriel 1 chef de projet:', 'equipe.courriel1', codecs.text);
  w.field('Courriel 2 (si spam):', 'equipe.courriel2', codecs.text);
  w.field('Président de la CA — Civ.', 'equipe.presidentCa.civilite', codecs.choice('CIVILITES'), { narrow: true });
  w.field('Président de la CA — Nom', 'equipe.presidentCa.nom', codecs.text);
  w.field('Président de la CA — Prénom', 'equipe.presidentCa.prenom', codecs.text);
  w.field('Attribution/fonction:', 'equipe.presidentCa.fonction', codecs.text);
  w.field('Adresse site internet PCS:', 'equipe.siteInternetPcs', codecs.text);
  w.field('Adresse page Facebook PCS:', 'equipe.facebookPcs', codecs.text);

  w.section('A propos du chef de projet');
  w.field("Date d'entrée en fonction en tant que chef de projet du PCS:", 'chefDeProjet.dateEntreeFonction', codecs.date, { narrow: true });
  w.field('Type de contrat:', 'chefDeProjet.typeContrat', codecs.choice('TYPES_CONTRAT'));
  w.field('Type de contrat (si autre):', 'chefDeProjet.typeContratAutre', codecs.text);
  w.field('ETP (en tant que chef de projet):', 'chefDeProjet.etp', codecs.etp, { narrow: true });
  w.field('Engagement ou détachement?', 'chefDeProjet.engagementOuDetachement', codecs.choice('ENGAGEMENT_DETACHEMENT'));
  w.field('Avez-vous une autre fonction (ex.animateur) au sein du PCS?', 'chefDeProjet.autreFonction', codecs.yesno, { narrow: true });
  w.field("Années d'expérience en gestion de projet lors de la prise en charge du PCS:", 'chefDeProjet.anneesExperience', codecs.count, { narrow: true });
  w.field('Diplôme le plus élevé?', 'chefDeProjet.diplome', codecs.choice('DIPLOMES'));
  w.field('Diplôme (si autre):', 'chefDeProjet.diplomeAutre', codecs.text);
  w.field('Si master ou bachelier orientation:', 'chefDeProjet.orientation', codecs.text);

  w.section("A propos des autres travailleurs de l'équipe financés par le PCS");
  w.header(['Nom/prénom', "Fonction au sein de l'équipe", 'Fonction (si autre)', 'ETP']);
  const teamFirst = b.next;
  plan.equipeMembres.forEach((m, i) => {
    const p = `equipeMembres.${i}`;
    const l = `équipe, ligne ${i + 1} (${m.nomPrenom})`;
    b.add(
      [
        w.input(2, `${p}.nomPrenom`, codecs.text, `${l}, nom/prénom`),
        w.input(3, `${p}.fonction`, codecs.choice('FONCTIONS_EQUIPE'), `${l}, fonction`),
        w.input(4, `${p}.fonctionAutre`, codecs.text, `${l}, fonction (autre)`),
        w.input(5, `${p}.etp`, codecs.etp, `${l}, ETP`),
      ],
      { key: `equipeMembres:${m.id}` },
    );
  });
  const teamEtp = sumOrNull(plan.equipeMembres.map((m) => m.etp));
  b.add([
    { col: 2, value: "Total de l'équipe (ETP)", style: 'total', span: 3 },
    sumFormula(5, teamFirst, b.next - 1, teamEtp === null ? '' : toSpreadsheetNumber(teamEtp, 2), NUMBER_FORMATS.etp),
  ]);

  w.section('Service citoyen');
  w.field('Le pouvoir local fait-il appel au service citoyen?', 'serviceCitoyen.recours', codecs.yesno, { narrow: true });

  // Budget: the lines, the totals typed on the form, and live sums.
  const figures = computeBudgetFigures(plan);
  w.section('Budget annuel du PCS (prévisionnel puis à actualiser)');
  w.header(['Recettes:', 'Montant']);
  const rSub = w.field('Subvention PCS', 'budget.recettes.subventionPcs', codecs.euro, { narrow: true });
  const rPart = w.field('Part communale', 'budget.recettes.partCommunale', codecs.euro, { narrow: true });
  w.field('Subvention(s) art.20', 'budget.recettes.subventionsArt20', codecs.euro, { narrow: true });
  const rLast = w.field('Autre(s) subv./recette(s)', 'budget.recettes.autres', codecs.euro, { narrow: true });
  const rSum = b.add([
    { col: 2, value: 'Total des recettes (somme des lignes)', style: 'total' },
    sumFormula(3, rSub, rLast, euro(figures.recettesSum), NUMBER_FORMATS.euro),
  ]);
  const rTyped = w.field('Total des recettes indiqué sur le formulaire (laisser vide pour la somme)', 'budget.recettes.total', codecs.euro, { narrow: true });
  const rKept = b.add([
    { col: 2, value: 'Total des recettes retenu', style: 'total' },
    { col: 3, formula: `IF(ISBLANK(C${rTyped}),C${rSum},C${rTyped})`, result: euro(figures.totalRecettes), style: 'total', numFmt: NUMBER_FORMATS.euro },
  ]);
  w.header(['Dépenses:', 'Montant']);
  const dFirst = w.field('Frais de personnel', 'budget.depenses.personnel', codecs.euro, { narrow: true });
  w.field('Frais de fonctionnement', 'budget.depenses.fonctionnement', codecs.euro, { narrow: true });
  w.field("Frais d'investissement", 'budget.depenses.investissement', codecs.euro, { narrow: true });
  const dSubv = w.field('Subventions aux institutions et associations (y compris art.20)', 'budget.depenses.subventionsInstitutions', codecs.euro, {
    narrow: true,
  });
  const dSum = b.add([
    { col: 2, value: 'Total des dépenses (somme des lignes)', style: 'total' },
    sumFormula(3, dFirst, dSubv, euro(figures.depensesSum), NUMBER_FORMATS.euro),
  ]);
  const dTyped = w.field('Total des dépenses indiqué sur le formulaire (laisser vide pour la somme)', 'budget.depenses.total', codecs.euro, { narrow: true });
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

  w.section('Ventilation des transferts par partenaire:');
  w.header(["Partenaires, nom de l'association/institution", 'Art.20?', 'Montants transférés']);
  const tFirst = b.next;
  plan.transferts.forEach((t, i) => {
    const p = `transferts.${i}`;
    const l = `transfert ${i + 1} (${t.partenaire})`;
    b.add(
      [
        w.input(2, `${p}.partenaire`, codecs.text, `${l}, partenaire`),
        w.input(3, `${p}.art20`, codecs.yesno, `${l}, art.20`),
        w.input(4, `${p}.montant`, codecs.euro, `${l}, montant`),
      ],
      { key: `transfert:${t.id}` },
    );
  });
  const tLast = b.next - 1;
  if (tLast >= tFirst) {
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

  w.section('Consommation réelle de la subvention PCS et de la part communale, telle que mentionnée dans E-compte (= imputations):');
  w.header(years, 3);
  b.add([
    { col: 2, value: 'Montant imputé', style: 'label' },
    ...years.map((y, i) => w.input(3 + i, `consommation.${y}`, codecs.euro, `consommation E-compte ${y}`)),
  ]);

  w.section('Radar ISADF');
  w.subtitle("Indicateur synthétique d'accès aux droits fondamentaux (ISADF)");
  w.field('Année de référence', 'isadf.annee', codecs.year, { narrow: true });
  w.field('ISADF de la commune (0 à 1)', 'isadf.valeur', codecs.thousandths, { narrow: true });
  w.header(['Dimension', 'Valeur (0 à 1)']);
  plan.isadf.dimensions.forEach((d, i) => {
    const l = `ISADF, dimension ${i + 1} (${d.label})`;
    b.add([
      w.input(2, `isadf.dimensions.${i}.label`, codecs.text, `${l}, libellé`),
      w.input(3, `isadf.dimensions.${i}.valeur`, codecs.thousandths, `${l}, valeur`),
    ]);
  });
  b.add([], { figure: { kind: 'isadf' } });

  w.section('Indicateurs de suivi du plan');
  w.subtitle('Indicateurs subjectifs et/ou propres à la commune:');
  w.header(['Indicateur', 'Situation ex-ante', null, null, 'Situation Ex-post']);
  const half = Math.floor((lastCol - 2) / 2);
  plan.indicateursPlan.rows.forEach((r, i) => {
    const l = `indicateur du plan ${i + 1} (${r.libelle})`;
    b.add(
      [
        w.input(2, `indicateursPlan.rows.${i}.libelle`, codecs.text, `${l}, libellé`),
        w.input(3, `indicateursPlan.rows.${i}.exAnte`, codecs.text, `${l}, situation ex-ante`, { span: half }),
        w.input(3 + half, `indicateursPlan.rows.${i}.exPost`, codecs.text, `${l}, situation ex-post`, { span: lastCol - 2 - half }),
      ],
      { key: `indicateurPlan:${r.id}` },
    );
  });
  w.longText('Remarque', 'indicateursPlan.remarque');

  w.section('Le plan');
  w.longText("Portrait de la commune / du territoire couvert par l'association de pouvoirs locaux:", 'textes.portrait');
  w.longText("Problèmes/Besoins auxquels la commune ou le territoire couvert par l'association de pouvoirs locaux est confronté:", 'textes.problemesBesoins');
  w.longText(`Vision de la situation désirée en ${years[years.length - 1]} sur le territoire couvert par le PCS:`, 'textes.vision');
  w.longText(`Plus value / Valeur ajoutée par le plan pour passer de la situation de ${years[0]} à ${years[years.length - 1]}:`, 'textes.plusValue');
  w.longText('Objectif stratégique du plan:', 'textes.objectifStrategique');
  w.longText(
    'Commentaires facultatifs en cas de modifications substantielles apportées à la "fiche plan" en cours de plan:',
    'textes.commentairesModifications',
  );

  w.section('Liste des actions:');
  w.header(["N° et intitulé de l'action", 'Statut', 'Droits visés', 'Priorité', 'Opérateur', null, 'Fiche']);
  plan.actions.forEach((a, i) => {
    const entry = resolveCatalogueEntry(catalogue, a.code);
    const l = `liste des actions, ${describeAction(a)}`;
    const sheet = actionSheets.get(a.id);
    const who = a.fiche.operateur.organisme ?? (a.fiche.operateur.equipePcs ? 'Équipe PCS' : '');
    const titleText = `${a.code} ${entry?.intitule ?? ''}`.trim();
    b.add(
      [
        { col: 2, value: titleText, style: 'static' },
        w.input(3, `actions.${i}.statut`, codecs.choice('STATUTS_ACTION'), `${l}, statut`),
        w.input(4, `actions.${i}.droitVise`, codecs.choice('DROIT_VISE_LABELS'), `${l}, droit visé`),
        w.input(5, `actions.${i}.priorite`, codecs.count, `${l}, priorité`),
        { col: 6, value: who, style: 'static', span: 2 },
        sheet ? { col: 8, value: 'Voir la fiche', link: sheet, style: 'static', span: lastCol - 7 } : { col: 8, value: null, style: 'static' },
      ],
      { key: `liste:${a.id}`, height: wrappedHeight(titleText, 55) },
    );
  });

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
          w.input(3 + i, `repartitionTemps.${cat.code}.${p}`, codecs.percent, `répartition du temps, « ${cat.label} », ${periodTitle(p)}`),
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

  w.section('Formations suivies par le chef de projet');
  w.header(['Thématique', 'Année', 'Organisateur', null, 'Satisfaction (1 à 10)']);
  plan.formations.forEach((f, i) => {
    const l = `formation ${i + 1} (${f.thematique})`;
    b.add(
      [
        w.input(2, `formations.${i}.thematique`, codecs.text, `${l}, thématique`),
        w.input(3, `formations.${i}.annee`, codecs.year, `${l}, année`),
        w.input(4, `formations.${i}.organisateur`, codecs.text, `${l}, organisateur`, { span: 2 }),
        w.input(6, `formations.${i}.satisfaction`, codecs.count, `${l}, satisfaction`),
      ],
      { key: `formation:${f.id}` },
    );
  });

  w.section("Dates des commissions d'accompagnement");
  for (const y of years) w.field(y, `commissions.dates.${y}`, codecs.dateLines);

  w.section('Réunions/plateformes/groupes de travail thématiques organisés par le PCS');
  w.header(['Thématique', 'Rôle du chef de projet', null, 'Dates (une par ligne)']);
  plan.reunionsOrganisees.forEach((r, i) => {
    const l = `réunion organisée ${i + 1} (${r.thematique})`;
    const dates = w.input(5, `reunionsOrganisees.${i}.dates`, codecs.dateLines, `${l}, dates`, { span: lastCol - 4 });
    b.add(
      [
        w.input(2, `reunionsOrganisees.${i}.thematique`, codecs.text, `${l}, thématique`),
        w.input(3, `reunionsOrganisees.${i}.roleChefDeProjet`, codecs.text, `${l}, rôle du chef de projet`, { span: 2 }),
        dates,
      ],
      { key: `reunionOrganisee:${r.id}`, height: wrappedHeight(String(dates.value ?? ''), 10) },
    );
  });

  w.section("Participation à des réunions/plateformes/groupes de travail thématiques en tant qu'invité");
  w.header(['Thématique', 'Institution', null, 'Plus values principales pour le PCS', null, null, 'Dates (une par ligne)']);
  plan.reunionsInvite.forEach((r, i) => {
    const l = `réunion en tant qu'invité ${i + 1} (${r.thematique})`;
    const plus = w.input(5, `reunionsInvite.${i}.plusValues`, codecs.lines, `${l}, plus-values`, { span: 3 });
    const dates = w.input(8, `reunionsInvite.${i}.dates`, codecs.dateLines, `${l}, dates`, { span: lastCol - 7 });
    b.add(
      [
        w.input(2, `reunionsInvite.${i}.thematique`, codecs.text, `${l}, thématique`),
        w.input(3, `reunionsInvite.${i}.institution`, codecs.text, `${l}, institution`, { span: 2 }),
        plus,
        dates,
      ],
      { key: `reunionInvite:${r.id}`, height: Math.max(wrappedHeight(String(plus.value ?? ''), 40), wrappedHeight(String(dates.value ?? ''), 10)) },
    );
  });

  w.section('Communication autour du plan');
  w.field('Communication externe (une par ligne)', 'communication.externe', codecs.lines);
  w.field('Communication externe — autre', 'communication.externeAutre', codecs.text);
  w.field('Communication interne (une par ligne)', 'communication.interne', codecs.lines);
  w.field('Communication interne — autre', 'communication.interneAutre', codecs.text);

  w.section('Partenaires');
  w.header(['Nom:', 'Liste', "Champs d'action:", "Champs d'action (si autre)", 'Tél.:', 'N°action(s):', 'Courriel:']);
  const codeOf = new Map(plan.actions.map((a) => [a.id, a.code]));
  plan.partenaires.forEach((p, i) => {
    const l = `partenaire ${i + 1} (${p.nom})`;
    const mails = w.input(8, `partenaires.${i}.courriels`, codecs.lines, `${l}, courriels`, { span: lastCol - 7 });
    b.add(
      [
        w.input(2, `partenaires.${i}.nom`, codecs.text, `${l}, nom`),
        { col: 3, value: p.liste === 'portent' ? 'Portent des actions' : 'Part active', style: 'static' },
        w.input(4, `partenaires.${i}.champAction`, codecs.choice('CHAMPS_ACTION_PARTENAIRE'), `${l}, champ d'action`),
        w.input(5, `partenaires.${i}.champActionAutre`, codecs.text, `${l}, champ d'action (autre)`),
        w.input(6, `partenaires.${i}.telephone`, codecs.text, `${l}, téléphone`),
        { col: 7, value: p.actionIds.map((id) => codeOf.get(id) ?? '').join(' '), style: 'static' },
        mails,
      ],
      { key: `partenaire:${p.id}`, height: wrappedHeight(String(mails.value ?? ''), 30) },
    );
  });

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

/** Σ of a column's rows first..last, blank when none is filled; an empty table (last < first) has no formula. */
function sumFormula(col: number, first: number, last: number, result: number | string, numFmt: string): LayoutCell {
  if (last < first) return { col, value: null, style: 'total', numFmt };
  const range = `${address(col, first)}:${address(col, last)}`;
  return { col, formula: `IF(COUNT(${range})=0,"",SUM(${range}))`, result, style: 'total', numFmt };
}

function periodTitle(period: string): string {
  return period === TIME_PERIOD_EX_ANTE ? 'Ex-ante' : period === TIME_PERIOD_EX_POST ? 'Ex-post' : period;
}
