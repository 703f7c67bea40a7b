import { describeAction, type Action } from '../../../schemas/action.ts';
import { buildPath } from '../../../schemas/plan-path.ts';
import { INDICATOR_CATEGORIES } from '../../../schemas/enums.ts';
import { runningHeader } from '../../../schemas/form-text.ts';
import { aggregateIndicator, effectiveAggregation, type Indicator } from '../../../schemas/indicator.ts';
import { UNITS, formatEuros, type Aggregation, type Unit } from '../../../schemas/numbers.ts';
import type { Plan } from '../../../schemas/plan.ts';
import { resolveCatalogueEntry, type Catalogue, type Programme } from '../../../schemas/reference.ts';
import { FormWriter, numFmtOf } from './form-writer.ts';
import { codecs, SheetBuilder, address, toSpreadsheetNumber, wrappedHeight, type Codec, type LayoutCell, type SheetLayout } from './model.ts';

/** The codec of an indicator's values: the unit decides the scale and how the cell shows it. */
export function unitCodec(unit: Unit): Codec {
  switch (unit) {
    case 'count':
      return codecs.count;
    case 'money':
      return codecs.euro;
    case 'percent':
      return codecs.percent;
    case 'etp':
      return codecs.etp;
    case 'average':
    case 'score':
      return codecs.decimal2;
  }
}

/** The spreadsheet twin of `aggregateIndicator`: same rule, blank when every year is blank. */
export function aggregateFormula(range: string, cells: string[], rule: Aggregation, decimals: number): string {
  switch (rule) {
    case 'sum':
      return `IF(COUNT(${range})=0,"",SUM(${range}))`;
    case 'mean':
      return `IF(COUNT(${range})=0,"",ROUND(AVERAGE(${range}),${decimals}))`;
    case 'max':
      return `IF(COUNT(${range})=0,"",MAX(${range}))`;
    case 'last':
      return cells.reduceRight((inner, cell) => `IF(ISNUMBER(${cell}),${cell},${inner})`, '""');
  }
}

/**
 * One fiche action: the header block from the catalogue, the body fields in form order, the operator, partners and
 * publics, and the indicator tables `Ex-ante | each year | Résultats` with a target and an actual row per indicator.
 */
export function layoutFicheAction(plan: Plan, index: number, programme: Programme, catalogue: Catalogue, name: string): SheetLayout {
  const action = plan.actions[index]!;
  const years = programme.years.map(String);
  // Columns: A key, B label, C unit, D Cible/Réalisé, E Ex-ante, years, Résultats.
  const firstYearCol = 6;
  const resultCol = firstYearCol + years.length;
  const lastCol = resultCol;
  const b = new SheetBuilder();
  const where = describeAction(action);
  const widths = [2, 52, 12, 9, 13, ...years.map(() => 11), 13];
  const w = new FormWriter(b, plan, lastCol, where, widths);
  const p = buildPath('actions', index);
  const f = buildPath(p, 'fiche');
  const entry = resolveCatalogueEntry(catalogue, action.code);

  b.add([{ col: 2, value: runningHeader(plan), style: 'runningHeader', span: lastCol - 1 }], { key: `action:${action.id}` });
  b.add([{ col: 2, value: `ACTION ${action.code}`, style: 'title', span: lastCol - 1 }]);
  const intitule = entry?.intitule ?? 'Code absent du catalogue';
  b.add([{ col: 2, value: intitule, style: 'subtitle', span: lastCol - 1 }], { height: wrappedHeight(intitule, 120) });
  if (entry?.objectif) b.add([{ col: 2, value: entry.objectif, style: 'note', span: lastCol - 1 }], { height: wrappedHeight(entry.objectif, 140) });
  const catalogueLine = (title: string, head: { title: string | null; objective: string | null } | null) => {
    const text = head ? [head.title, head.objective].filter(Boolean).join(' — ') : '—';
    b.add(
      [
        { col: 2, value: title, style: 'label' },
        { col: 3, value: text, style: 'static', span: lastCol - 2 },
      ],
      { height: wrappedHeight(text, 110) },
    );
  };
  catalogueLine('THÉMATIQUE', entry?.thematique ?? null);
  catalogueLine('AXE', entry?.axe ?? null);
  b.add([
    { col: 2, value: 'Liste des actions : statut, droit visé, priorité', style: 'label' },
    {
      col: 3,
      value: [action.statut, action.droitVise, action.priorite === null ? null : `priorité ${action.priorite}`].filter(Boolean).join(' · ') || '—',
      style: 'static',
      span: lastCol - 2,
    },
  ]);

  w.section("Description de l'action");
  w.longText("Problèmes/besoins en lien avec l'action auxquels le territoire est confronté", buildPath(f, 'problemesBesoins'));
  w.field("Degré d'implication de l'équipe PCS dans la mise en œuvre de l'action", buildPath(f, 'degreImplication'), codecs.choice('DEGRES_IMPLICATION'));
  w.field('Convention de partenariat?', buildPath(f, 'conventionPartenariat'), codecs.yesno, { narrow: true });
  w.field('Art.20?', buildPath(f, 'art20'), codecs.yesno, { narrow: true });
  w.field("Est-ce que l'action existe déjà sur le territoire?", buildPath(f, 'existeDeja'), codecs.yesno, { narrow: true });
  w.field('Précisez dans quel cadre elle est mise en œuvre?', buildPath(f, 'cadreExistant'), codecs.choice('CADRES_EXISTANTS'));
  w.longText("Plus value/valeur apportée à l'action par le PCS:", buildPath(f, 'plusValue'));
  w.field("Est-ce que l'action découle d'une démarche de participation citoyenne?", buildPath(f, 'participationCitoyenne'), codecs.yesno, { narrow: true });
  w.field('Démarche de participation', buildPath(f, 'participationDemarche'), codecs.choice('DEMARCHES_PARTICIPATION'));
  w.field('Démarche de participation — précision', buildPath(f, 'participationDemarchePrecision'), codecs.text);
  w.longText("Solidarité / Coresponsabilité — Justifier en quoi l'action renforce la solidarité et la coresponsabilité:", buildPath(f, 'solidarite'));
  w.field("L'action est-elle gratuite pour les bénéficiaires?", buildPath(f, 'gratuite'), codecs.yesno, { narrow: true });
  w.field('Gratuité — commentaire', buildPath(f, 'gratuiteCommentaire'), codecs.text, { long: true });
  w.field("Lutte contre la pauvreté — L'action lutte-t-elle DIRECTEMENT contre la pauvreté économique?:", buildPath(f, 'luttePauvreteDirecte'), codecs.yesno, {
    narrow: true,
  });
  w.longText('Si oui, justifier en quoi:', buildPath(f, 'luttePauvreteJustification'));

  w.section("Opérateur/partenaire principal qui met en œuvre l'action");
  w.field("L'équipe PCS met en œuvre l'action", buildPath(f, 'operateur', 'equipePcs'), codecs.yesno, { narrow: true });
  w.field('Association/Organisme/Administration', buildPath(f, 'operateur', 'organisme'), codecs.text);
  w.field('Personne de contact', buildPath(f, 'operateur', 'personneContact'), codecs.text);
  w.field('Coordonnées', buildPath(f, 'operateur', 'coordonnees'), codecs.text, { long: true });
  const transfer = plan.transferts.find((t) => t.id === action.fiche.operateur.transferId);
  b.add([
    { col: 2, value: 'Transfert financier (ventilation des transferts)', style: 'label' },
    {
      col: 3,
      value: transfer
        ? `${transfer.partenaire}${transfer.montant === null ? '' : ` — ${formatEuros(transfer.montant)}`}${transfer.art20 ? ' (art.20)' : ''}`
        : '—',
      style: 'static',
      span: lastCol - 2,
    },
  ]);

  w.section("Autres partenaires qui prennent une part active dans la mise en œuvre de l'action");
  b.add([
    { col: 2, value: "Nom de l'association/institution", style: 'tableHeader' },
    { col: 3, value: 'En quoi consiste leur contribution', style: 'tableHeader', span: lastCol - 2 },
  ]);
  action.fiche.autresPartenaires.forEach((ap, i) => {
    const l = `autre partenaire ${i + 1} (${ap.nom})`;
    const contribution = w.input(3, buildPath(f, 'autresPartenaires', i, 'contribution'), codecs.text, `${l}, contribution`, { span: lastCol - 2 });
    b.add([w.input(2, buildPath(f, 'autresPartenaires', i, 'nom'), codecs.text, `${l}, nom`), contribution], {
      key: `partner:${ap.id}`,
      height: wrappedHeight(String(contribution.value ?? ''), 110),
    });
  });

  w.section("Mode de communication autour de l'action");
  w.field('Modes (un par ligne)', buildPath(f, 'communication', 'modes'), codecs.lines);
  w.field('Autre mode', buildPath(f, 'communication', 'autre'), codecs.text);

  w.section('Publics cibles / Bénéficiaires visés');
  b.add([
    { col: 2, value: 'En termes de:', style: 'tableHeader' },
    { col: 3, value: 'Précisez:', style: 'tableHeader', span: 4 },
    { col: 7, value: 'Si « Autre », précisez', style: 'tableHeader', span: lastCol - 6 },
  ]);
  action.fiche.publics.forEach((pub, i) => {
    const l = `public ${i + 1}`;
    b.add(
      [
        w.input(2, buildPath(f, 'publics', i, 'dimension'), codecs.choice('PUBLIC_DIMENSIONS'), `${l}, en termes de`),
        w.input(3, buildPath(f, 'publics', i, 'valeur'), codecs.choice(`PUBLICS:${pub.dimension}`), `${l}, précisez`, { span: 4 }),
        w.input(7, buildPath(f, 'publics', i, 'autre'), codecs.text, `${l}, autre`, { span: lastCol - 6 }),
      ],
      { key: `public:${pub.id}` },
    );
  });
  w.field("Type d'action:", buildPath(f, 'typeAction'), codecs.choice('TYPES_ACTION'));
  w.longText("Description de l'action", buildPath(f, 'description'));

  w.section("Indicateurs (de la plus value apportée par l'intervention/l'implication du PCS)");
  for (const cat of INDICATOR_CATEGORIES) {
    const rows = action.indicators.map((ind, j) => ({ ind, j })).filter(({ ind }) => ind.category === cat.code);
    if (rows.length === 0) continue;
    b.add([
      { col: 2, value: cat.label, style: 'tableHeader' },
      { col: 3, value: 'Unité', style: 'tableHeader' },
      { col: 4, value: '', style: 'tableHeader' },
      { col: 5, value: 'Ex-ante', style: 'tableHeader' },
      ...years.map((y, i) => ({ col: firstYearCol + i, value: y, style: 'tableHeader' as const })),
      { col: resultCol, value: 'Résultats', style: 'tableHeader' },
    ]);
    for (const { ind, j } of rows) layoutIndicator(b, w, action, ind, buildPath(p, 'indicators', j), j, years, firstYearCol, resultCol);
  }
  if (action.indicators.length > 0) b.add([], { figure: { kind: 'indicators', actionIndex: index } });

  w.longText("Moyens logistiques et organisationnels nécessaires du point de vue de l'équipe", buildPath(f, 'moyensLogistiques'));
  w.longText('Commentaires en cas de différence entre indicateurs projetés et résultats:', buildPath(f, 'commentairesEcarts'));

  w.section('Action supracommunale (hors plan en supracommunalité)');
  w.field('Oui/Non?', buildPath(f, 'supracommunal', 'active'), codecs.yesno, { narrow: true });
  w.field('Communes concernées? (une par ligne)', buildPath(f, 'supracommunal', 'communes'), codecs.lines);
  w.longText(
    "Justification en cas de suppression/ajout/réorientation de l'action en cours de plan, changement de partenaires,... :",
    buildPath(f, 'justificationModifications'),
  );

  w.section("Calendrier de l'action");
  w.field("Fréquence de l'action", buildPath(f, 'calendrier', 'frequence'), codecs.choice('FREQUENCES'));
  w.field('Fréquence (si autre)', buildPath(f, 'calendrier', 'frequenceAutre'), codecs.text);
  w.field('Sur la durée du plan', buildPath(f, 'calendrier', 'surLaDureeDuPlan'), codecs.yesno, { narrow: true });
  w.field('Début:', buildPath(f, 'calendrier', 'debut'), codecs.date, { narrow: true });
  w.field('Fin:', buildPath(f, 'calendrier', 'fin'), codecs.date, { narrow: true });

  return {
    name,
    key: `action:${action.id}`,
    widths,
    rows: b.rows,
    frozenRows: 2,
    landscape: true,
    protect: true,
  };
}

/** A target row (label, Ex-ante, targets) and an actual row (actuals, Résultats) of one indicator. */
function layoutIndicator(
  b: SheetBuilder,
  w: FormWriter,
  action: Action,
  ind: Indicator,
  path: string,
  j: number,
  years: string[],
  firstYearCol: number,
  resultCol: number,
): void {
  const codec = unitCodec(ind.unit);
  const rule = effectiveAggregation(ind);
  const decimals = codec.kind === 'number' ? codec.excelExponent : 0;
  const numFmt = numFmtOf(codec);
  const agg = aggregateIndicator(ind, years.map(Number));
  const asCell = (v: number | null) => (v === null ? '' : toSpreadsheetNumber(v, decimals));
  const unitLabel = UNITS.find((u) => u.code === ind.unit)?.label ?? ind.unit;
  const name = `indicateur ${j + 1}`;
  const targetRow = b.next;
  const actualRow = targetRow + 1;
  const yearCells = (row: number) => years.map((_, i) => address(firstYearCol + i, row));
  const range = (row: number) => `${address(firstYearCol, row)}:${address(firstYearCol + years.length - 1, row)}`;

  const exAnteBinding = { path: buildPath(path, 'exAnte'), label: `${describeAction(action)}, ${name}, ex-ante`, codec, formulaMeansBlank: true };
  const exAnte: LayoutCell =
    ind.exAnte !== null
      ? { col: 5, value: asCell(ind.exAnte) as number, style: 'inputOverride', bind: exAnteBinding }
      : {
          col: 5,
          formula: aggregateFormula(range(targetRow), yearCells(targetRow), rule, decimals),
          result: asCell(agg.computedExAnte),
          style: 'computed',
          bind: exAnteBinding,
        };
  if (numFmt) exAnte.numFmt = numFmt;

  b.add(
    [
      w.input(2, buildPath(path, 'label'), codecs.text, `${name}, libellé`),
      { col: 3, value: unitLabel, style: 'static' },
      { col: 4, value: 'Cible', style: 'static' },
      exAnte,
      ...years.map((y, i) => w.input(firstYearCol + i, buildPath(path, 'values', y, 'target'), codec, `${name}, ${y}, cible`)),
      { col: resultCol, value: null, style: 'static' },
    ],
    { key: `indicator:${ind.id}:target`, height: wrappedHeight(ind.label, 48) },
  );
  const result: LayoutCell = {
    col: resultCol,
    formula: aggregateFormula(range(actualRow), yearCells(actualRow), rule, decimals),
    result: asCell(agg.resultats),
    style: 'computed',
  };
  if (numFmt) result.numFmt = numFmt;
  b.add(
    [
      { col: 2, value: '→ réalisé', style: 'static' },
      { col: 3, value: unitLabel, style: 'static' },
      { col: 4, value: 'Réalisé', style: 'static' },
      { col: 5, value: null, style: 'static' },
      ...years.map((y, i) => w.input(firstYearCol + i, buildPath(path, 'values', y, 'actual'), codec, `${name}, ${y}, réalisé`)),
      result,
    ],
    { key: `indicator:${ind.id}:actual` },
  );
}
