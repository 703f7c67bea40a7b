import type { Content, ContentSection, StyleDictionary, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { renderIndicatorChart } from '../../../schemas/charts/indicator-chart.ts';
import { renderIsadfRadar } from '../../../schemas/charts/radar.ts';
import { computeBudgetFigures } from '../../../schemas/budget.ts';
import { summariseFindings } from '../../../schemas/checks.ts';
import { describeAction } from '../../../schemas/action.ts';
import { formatDateTime } from '../../../schemas/dates.ts';
import { runningHeader } from '../../../schemas/form-text.ts';
import { porteurLabel, porteurName, porteurTitle } from '../../../schemas/porteur.ts';
import { formatEuros } from '../../../schemas/numbers.ts';
import { resolveCatalogueEntry, programmeSpan } from '../../../schemas/reference.ts';
import type { Figure } from '../layout/model.ts';
import { CHANGES_TITLE, changesSummary, questionsSummary } from '../layout/review.ts';
import { buildPrintLayout, CHANGES_SHEET, CHECKS_SHEET, QUESTIONS_SHEET, type PrintSection, type WorkbookInput } from '../workbook-layout.ts';
import { FORM_TABLE_LAYOUT, sheetContent } from './sheet-content.ts';

/** Draft until the year is submitted (submission comes with the review workflow). */
export type ReportStatus = 'draft' | 'submitted';

export type PlanPdfInput = WorkbookInput & {
  /** The year the report is about; one of the programme's years. */
  annee: number;
  status: ReportStatus;
  /** SHA-256 (hex) of the plan's data, printed on the cover so a signed copy can be matched to the data. */
  dataHash: string;
};

/** The font family the document and the charts use (the charts name "Liberation Sans" first). */
export const PDF_FONT = 'Liberation Sans';

/** The page of every PDF Cohésio prints (the plan's, a form document's): A4, its margins in points. */
export const MARGINS: [number, number, number, number] = [36, 44, 36, 40];
export const A4 = { width: 595.28, height: 841.89 };
/** The text and the styles the printed sheets use (sheet-content.ts), in the plan's PDF and a form document's alike. */
export const DEFAULT_STYLE = { font: PDF_FONT, fontSize: 8, lineHeight: 1.1, color: '#1f2933' };
export const SHEET_STYLES: StyleDictionary = {
  runningHeader: { fontSize: 7.5, color: '#52606d', italics: true },
  footer: { fontSize: 7.5, color: '#52606d' },
  title: { fontSize: 14, bold: true, color: '#174a78', margin: [0, 0, 0, 4] },
  subtitle: { fontSize: 10, bold: true, margin: [0, 2, 0, 3] },
  section: { fontSize: 10, bold: true, color: '#ffffff' },
  note: { fontSize: 8, color: '#3e4c59', margin: [0, 0, 0, 3], alignment: 'justify' },
  longLabel: { bold: true, margin: [0, 3, 0, 1] },
  cell: { fontSize: 8 },
};
const STATUS_LABELS: Record<ReportStatus, string> = { draft: 'Brouillon — non soumis', submitted: 'Soumis à la Direction de la Cohésion sociale' };
const CHARTS_PER_ROW = 3;
const CHECKS_TITLE = 'Annexe — Contrôles du plan';
export const CHANGES_ANNEX_TITLE = `Annexe — ${CHANGES_TITLE}`;
export const QUESTIONS_ANNEX_TITLE = 'Annexe — Questions de la DiCS';
/** A radar needs three dimensions with a value; with fewer the section's table says it all. */
const RADAR_MIN_DIMENSIONS = 3;

/**
 * The official PDF of a plan as a pdfmake document: a cover with the plan's identity and data hash, the fiche plan
 * (RGPD notice first), the financial reconciliation of the report year, each fiche action on new pages, then the
 * "Contrôles" annex with each justification under its finding and, when the review gives them rows, the annexes of
 * the changes since the previous submission and of the DiCS's questions. Every label and value comes from the
 * workbook's layouts, so the PDF, the XLSX and the grid show the same figures. Pure: no clock, no files;
 * `onSheetLayout` only observes how far pdfmake's layout has come (index of the section being laid out).
 */
export function buildPlanPdf(input: PlanPdfInput, opts: { generatedAt: string; onSheetLayout?: (index: number, count: number) => void }): TDocumentDefinitions {
  const { count, section, header, footerLeft } = buildPlanSections(input, opts);
  const sections = Array.from({ length: count }, (_, i) => section(i));
  const info = planPdfInfo(input, opts.generatedAt);
  return {
    ...documentFrame(header),
    info: { ...info, creationDate: new Date(info.creationDate), modDate: new Date(info.modDate) },
    footer: (page, count) => pageFooter(footerLeft, { text: `Page ${page} / ${count}`, style: 'footer', alignment: 'right', width: 'auto' }),
    content: sections,
  };
}

/**
 * One part of the PDF rendered on its own: the cover, or one printed section (fiche plan, finance, a fiche, an
 * annex); its definition is built when first asked for (a thread rendering one part builds that one only).
 */
export type PlanPdfPart = { readonly landscape: boolean; readonly doc: TDocumentDefinitions };

/**
 * The same document as `buildPlanPdf`, cut into parts rendered one by one and assembled (assemble.ts): the cover
 * first, then each printed section. A part prints no page number (the assembly stamps « Page N / total », drawn by
 * `buildPageNumbers`), and its page references (table of contents, « p. N » of links) are left to
 * `withPageNumbers` once the pages of every part are known. A part holds neither the generation date nor the
 * document's info, except the cover, which prints the date: a section's part depends on what it prints only.
 */
export function buildPlanPdfParts(input: PlanPdfInput, opts: { generatedAt: string; charts?: ChartMemo }): PlanPdfPart[] {
  const { count, section, landscape, header, footerLeft } = buildPlanSections(input, opts);
  const frame = documentFrame(header);
  return Array.from({ length: count }, (_, index): PlanPdfPart => {
    let doc: TDocumentDefinitions | null = null;
    return {
      landscape: landscape(index),
      get doc() {
        doc ??= {
          ...frame,
          // No clock in a part: pdfkit would date it now.
          info: { creator: 'Cohésio', producer: 'Cohésio', creationDate: PART_DATE, modDate: PART_DATE },
          // The place of « Page N / total », kept free so the left text lays out as in the whole document.
          footer: () => pageFooter(footerLeft, { text: '', width: PAGE_LABEL_WIDTH }),
          content: [section(index)],
        };
        return doc;
      },
    };
  });
}

/**
 * The page numbers of an assembled document: as many empty pages as it has, each of its orientation, with only
 * « Page N / total » in the footer, where the whole document prints it (stamped over the parts' pages).
 */
export function buildPageNumbers(landscape: readonly boolean[]): TDocumentDefinitions {
  const runs: ContentSection[] = [];
  for (let i = 0; i < landscape.length; ) {
    let n = 1;
    while (i + n < landscape.length && landscape[i + n] === landscape[i]) n++;
    const pages: Content[] = Array.from({ length: n }, (_, k): Content => (k < n - 1 ? { text: '', pageBreak: 'after' } : { text: '' }));
    runs.push({ section: pages, pageOrientation: landscape[i] ? 'landscape' : 'portrait' });
    i += n;
  }
  return {
    ...documentFrame(null),
    info: { creator: 'Cohésio', producer: 'Cohésio', creationDate: PART_DATE, modDate: PART_DATE },
    footer: (page, count) => pageFooter('', { text: `Page ${page} / ${count}`, style: 'footer', alignment: 'right', width: 'auto' }),
    content: runs,
  };
}

/** The document's info (title, author, dates as ISO text), as the whole document and the assembly give it. */
export type PlanPdfInfo = { title: string; author: string; subject: string; creator: string; producer: string; creationDate: string; modDate: string };

export function planPdfInfo(input: PlanPdfInput, generatedAt: string): PlanPdfInfo {
  const { plan, programme } = input;
  return {
    title: `Plan de Cohésion sociale ${programmeSpan(programme)} — ${porteurTitle(plan)} — rapport ${input.annee}`,
    author: porteurTitle(plan),
    subject: runningHeader(plan),
    creator: 'Cohésio',
    producer: 'Cohésio',
    creationDate: generatedAt,
    modDate: generatedAt,
  };
}

/** Parts carry a fixed date: their bytes depend on their content only. */
const PART_DATE = new Date(0);
/** Room kept in a part's footer for « Page N / total » (wider than « Page 9999 / 9999 » at 7.5 pt). */
const PAGE_LABEL_WIDTH = 64;

/**
 * The cover (index 0) and the printed sections, each built when asked for, with its orientation, and the texts of
 * the running header and of the footer.
 */
function buildPlanSections(
  input: PlanPdfInput,
  opts: { generatedAt: string; onSheetLayout?: (index: number, count: number) => void; charts?: ChartMemo },
): { count: number; section: (index: number) => ContentSection; landscape: (index: number) => boolean; header: string; footerLeft: string } {
  const { plan, programme } = input;
  const printed = buildPrintLayout(input);
  // A link to any part of a section leads to the section's first page.
  const destinations = new Map(printed.flatMap((s, i) => s.parts.map((p) => [p.name, `feuille-${i}`] as const)));
  const destinationOf = (name: string) => destinations.get(name) ?? null;
  const header = runningHeader(plan);
  const what = input.review.submissionLabel ? `${input.review.submissionLabel} ${input.annee}` : `rapport ${input.annee}`;
  const footerLeft = `PCS ${plan.commune} ${programmeSpan(programme)} — ${what} — ${STATUS_LABELS[input.status]}`;

  const charts = opts.charts ?? new Map<string, string>();
  const figure = (f: Figure): Content | null => (f.kind === 'isadf' ? isadfFigure(input, charts) : indicatorFigures(input, f.actionIndex, charts));
  const landscape = (index: number) => index > 0 && printed[index - 1]!.parts[0]!.landscape;
  const section = (index: number): ContentSection => {
    if (index === 0) return { section: coverContent(input, opts.generatedAt, printed, destinationOf), pageOrientation: 'portrait', header: null };
    const printedSection = printed[index - 1]!;
    const wide = landscape(index);
    return {
      section: printedSection.parts.flatMap((sheet, part) =>
        sheetContent(sheet, {
          doc: plan,
          pageWidth: (wide ? A4.height : A4.width) - MARGINS[0] - MARGINS[2],
          pageHeight: (wide ? A4.width : A4.height) - MARGINS[1] - MARGINS[3],
          figure,
          destinationOf,
          titleId: part === 0 ? destinationOf(printedSection.name)! : null,
          ...annexHeading(sheet.name, input),
          ...(opts.onSheetLayout ? { onLayout: () => opts.onSheetLayout!(index - 1, printed.length) } : {}),
        }),
      ),
      pageOrientation: wide ? 'landscape' : 'portrait',
    };
  };
  return { count: printed.length + 1, section, landscape, header, footerLeft };
}

/** The footer: the document's line on the left, `right` (the page number, or its room) on the right. */
function pageFooter(footerLeft: string, right: Content & { width: number | 'auto' }): Content {
  return { columns: [{ text: footerLeft, style: 'footer' }, right], margin: [MARGINS[0], 14, MARGINS[2], 0] };
}

/** Page size, margins, running header (none: null) and styles: the same for the document, its parts and its page numbers. */
function documentFrame(header: string | null): TDocumentDefinitions {
  return {
    content: [],
    pageSize: 'A4',
    pageMargins: MARGINS,
    ...(header === null
      ? {}
      : { header: (_page, _count, size) => ({ text: header, style: 'runningHeader', margin: [MARGINS[0], 18, MARGINS[2], 0], width: size.width }) }),
    defaultStyle: DEFAULT_STYLE,
    styles: {
      ...SHEET_STYLES,
      coverTitle: { fontSize: 22, bold: true, color: '#174a78', margin: [0, 10, 0, 6] },
      coverSubtitle: { fontSize: 13, color: '#174a78', margin: [0, 0, 0, 16] },
      coverHeading: { fontSize: 11, bold: true, color: '#174a78', margin: [0, 18, 0, 6] },
      hash: { fontSize: 8.5, characterSpacing: 0.2 },
    },
  };
}

/** Cover: who, which programme and year, status, when, the data hash, key figures and the table of contents. */
function coverContent(input: PlanPdfInput, generatedAt: string, printed: readonly PrintSection[], destinationOf: (name: string) => string | null): Content[] {
  const { plan, programme } = input;
  const figures = computeBudgetFigures(plan);
  const rows: [string, string][] = [
    [porteurLabel(plan.porteur), porteurName(plan)],
    ['Programme', programme.label],
    // A submission names its kind (« Plan initial », « Justification financière annuelle »…); an export is the annual report.
    [input.review.submissionLabel ?? 'Rapport annuel', String(input.annee)],
    ['Statut', STATUS_LABELS[input.status]],
    ['Généré le', formatDateTime(generatedAt)],
    ['Empreinte SHA-256 des données du plan', input.dataHash],
    ['Budget annuel (total des recettes retenu)', figures.totalRecettes === null ? 'non renseigné' : formatEuros(figures.totalRecettes)],
    ['Fiches action', String(plan.actions.length)],
    ['Contrôles', checksSummary(input)],
  ];
  const actionsById = new Map(plan.actions.map((a) => [a.id, a]));
  const titleOf = ({ name, parts }: PrintSection) => {
    const annex = annexHeading(name, input).heading;
    if (annex) return annex.title;
    const key = parts[0]!.key;
    const action = key?.startsWith('action:') ? actionsById.get(key.slice('action:'.length)) : undefined;
    if (!action) return name;
    const intitule = resolveCatalogueEntry(input.catalogue, action.code)?.intitule;
    return `${describeAction(action)}${intitule ? ` — ${intitule}` : ''}`;
  };
  const toc = printed.map((section) => {
    const id = destinationOf(section.name)!;
    return [
      { text: titleOf(section), linkToDestination: id },
      { pageReference: id, alignment: 'right' as const, linkToDestination: id },
    ];
  });
  return [
    { text: 'Plan de Cohésion sociale', style: 'coverTitle' },
    { text: runningHeader(plan), style: 'coverSubtitle' },
    {
      table: {
        widths: [170, '*'],
        body: rows.map(([k, v]) => [
          { text: k, bold: true, fillColor: '#f3f5f8' },
          { text: v, style: k.startsWith('Empreinte') ? 'hash' : 'cell' },
        ]),
      },
      layout: FORM_TABLE_LAYOUT,
    },
    { text: 'Sommaire', style: 'coverHeading' },
    { table: { widths: ['*', 40], body: toc, dontBreakRows: true }, layout: 'noBorders', fontSize: 7.5 },
  ];
}

/** The title and introduction of an annex (a printed sheet without a title row of its own); none for other sheets. */
function annexHeading(name: string, input: PlanPdfInput): { heading?: { title: string; intro: Content[] } } {
  const intro = (text: string): Content[] => [{ text, style: 'note' }];
  if (name === CHECKS_SHEET) return { heading: { title: CHECKS_TITLE, intro: intro(checksSummary(input)) } };
  if (name === CHANGES_SHEET) return { heading: { title: CHANGES_ANNEX_TITLE, intro: intro(changesSummary(input.review)) } };
  if (name === QUESTIONS_SHEET) return { heading: { title: QUESTIONS_ANNEX_TITLE, intro: intro(questionsSummary(input.review.threads)) } };
  return {};
}

/** "1 erreur, 48 avertissements, 3 informations — 2 remarques justifiées". */
function checksSummary({ findings }: PlanPdfInput): string {
  if (findings.length === 0) return 'Aucune remarque';
  const justified = findings.filter((f) => f.justification !== null).length;
  return `${summariseFindings(findings)}${justified === 0 ? '' : ` — ${justified} remarque${justified > 1 ? 's' : ''} justifiée${justified > 1 ? 's' : ''}`}`;
}

/**
 * Charts (SVG) drawn before, by what they are drawn from: a render thread keeps one across its documents
 * (render-task.ts), since a one-cell change redraws one chart at most. Bounded by `MAX_CHARTS_KEPT`.
 */
export type ChartMemo = Map<string, string>;
const MAX_CHARTS_KEPT = 1024;

/** The chart drawn from `from` (JSON-able) by `draw`, from the memo when drawn before. */
function chartOf<T>(charts: ChartMemo, kind: string, from: T, draw: (from: T) => string): string {
  const key = `${kind}|${JSON.stringify(from)}`;
  let svg = charts.get(key);
  if (svg === undefined) {
    svg = draw(from);
    if (charts.size >= MAX_CHARTS_KEPT) charts.clear();
    charts.set(key, svg);
  }
  return svg;
}

/** The ISADF radar, drawn by the same code as the web page, when there is a radar to draw. */
function isadfFigure({ plan }: PlanPdfInput, charts: ChartMemo): Content | null {
  const { isadf } = plan;
  if (isadf.dimensions.filter((d) => d.valeur !== null).length < RADAR_MIN_DIMENSIONS) return null;
  return { svg: chartOf(charts, 'isadf', isadf, (from) => renderIsadfRadar(from, { size: 520 })), width: 300, alignment: 'center', margin: [0, 4, 0, 6] };
}

/** Per fiche: one chart of targets vs actuals per year for each indicator that has a value, three per row. */
function indicatorFigures({ plan, programme }: PlanPdfInput, actionIndex: number, drawn: ChartMemo): Content | null {
  const action = plan.actions[actionIndex];
  if (!action) return null;
  const charted = action.indicators.filter((ind) => Object.values(ind.values).some((v) => v.target !== null || v.actual !== null));
  if (charted.length === 0) return null;
  const charts = charted.map((ind) => ({
    svg: chartOf(drawn, 'indicator', { label: ind.label, unit: ind.unit, years: programme.years, values: ind.values }, (from) =>
      renderIndicatorChart(from, { width: 480, height: 260 }),
    ),
    width: 240,
  }));
  const rows: Content[] = [];
  for (let i = 0; i < charts.length; i += CHARTS_PER_ROW) {
    const row = charts.slice(i, i + CHARTS_PER_ROW);
    rows.push({ columns: row, columnGap: 10, margin: [0, 0, 0, 6], unbreakable: true });
  }
  // The heading stays with the first row of charts.
  const [firstRow, ...others] = rows;
  return { stack: [{ stack: [{ text: 'Cibles et réalisés par année', style: 'subtitle' }, firstRow!], unbreakable: true }, ...others], margin: [0, 4, 0, 4] };
}
