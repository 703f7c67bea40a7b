import { describe, expect, it } from 'vitest';
import { niceAxis, renderIndicatorChart } from '../../schemas/charts/indicator-chart.ts';
import { renderIsadfRadar } from '../../schemas/charts/radar.ts';
import { escapeXml, fmt, truncate, wrapText } from '../../schemas/charts/svg.ts';
import { formatUnitValue, unitScale, type Unit } from '../../schemas/numbers.ts';

type Element = { name: string; attrs: Record<string, string>; text: string };

/**
 * A deliberately strict mini XML reader: every tag closed in order, attributes double-quoted and unique, no raw
 * `<` or `>` in text or attribute values, `&` only as one of the five predefined entities. Returns the elements
 * in document order with their attributes and the text directly inside them.
 */
function parseXml(xml: string): Element[] {
  const elements: Element[] = [];
  const stack: Element[] = [];
  const checkText = (text: string, where: string) => {
    if (text.includes('>')) throw new Error(`raw '>' in ${where}: ${text}`);
    let at = text.indexOf('&');
    while (at !== -1) {
      const entity = ['&amp;', '&lt;', '&gt;', '&quot;', '&apos;'].find((e) => text.startsWith(e, at));
      if (entity === undefined) throw new Error(`bare '&' in ${where}: ${text}`);
      at = text.indexOf('&', at + 1);
    }
  };
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = lt === -1 ? xml.slice(i) : xml.slice(i, lt);
    if (text !== '') {
      const parent = stack[stack.length - 1];
      if (parent === undefined) throw new Error(`text outside the root: ${text}`);
      checkText(text, `text of <${parent.name}>`);
      parent.text += text;
    }
    if (lt === -1) break;
    const gt = xml.indexOf('>', lt);
    if (gt === -1) throw new Error('unterminated tag');
    const tag = xml.slice(lt + 1, gt);
    if (tag.includes('<')) throw new Error(`raw '<' inside a tag: ${tag}`);
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (open === undefined || open.name !== tag.slice(1)) throw new Error(`</${tag.slice(1)}> closes <${open?.name}>`);
    } else {
      const selfClosing = tag.endsWith('/');
      const inner = selfClosing ? tag.slice(0, -1) : tag;
      const name = /^[a-zA-Z][\w:-]*/.exec(inner)?.[0];
      if (name === undefined) throw new Error(`bad tag: ${tag}`);
      if (stack.length === 0 && elements.length > 0) throw new Error('more than one root element');
      const attrs: Record<string, string> = {};
      let rest = inner.slice(name.length);
      const attr = /^\s+([a-zA-Z][\w:-]*)="([^"]*)"/;
      for (let m = attr.exec(rest); m !== null; m = attr.exec(rest)) {
        // Both groups are required by the pattern: a match always has them.
        const [all, key, value] = [m[0], m[1]!, m[2]!];
        if (key in attrs) throw new Error(`duplicate attribute ${key} on <${name}>`);
        checkText(value, `attribute ${key}`);
        attrs[key] = value;
        rest = rest.slice(all.length);
      }
      if (rest.trim() !== '') throw new Error(`unparsed attributes on <${name}>: ${rest}`);
      const element: Element = { name, attrs, text: '' };
      elements.push(element);
      if (!selfClosing) stack.push(element);
    }
    i = gt + 1;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.map((e) => e.name).join('>, <')}>`);
  return elements;
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
/** Titles of the drawn bars (a `<rect>` holding a `<title>`), unescaped. */
const barTitles = (svg: string) => [...svg.matchAll(/<rect[^>]*><title>([^<]*)<\/title><\/rect>/g)].map((m) => unescapeXml(m[1] ?? ''));
const titlesOf = (svg: string) =>
  parseXml(svg)
    .filter((e) => e.name === 'title')
    .map((e) => unescapeXml(e.text));
const count = (svg: string, name: string) => parseXml(svg).filter((e) => e.name === name).length;

/** Rules every chart must follow to be inserted in the page and embedded by pdfmake. */
function expectStandaloneSvg(svg: string, width: number, height: number): Element[] {
  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  const elements = parseXml(svg);
  const root = elements[0]!;
  expect(root.name).toBe('svg');
  expect(root.attrs).toMatchObject({
    xmlns: 'http://www.w3.org/2000/svg',
    width: String(width),
    height: String(height),
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
  });
  expect(root.attrs['aria-label']?.length).toBeGreaterThan(10);
  expect(elements[1]?.name).toBe('title');
  // No CSS, no scripts, no external references, nothing pdfmake cannot draw.
  const names = new Set(elements.map((e) => e.name));
  for (const banned of ['style', 'script', 'foreignObject', 'image', 'use', 'a']) expect(names.has(banned)).toBe(false);
  for (const e of elements) {
    expect(Object.keys(e.attrs).filter((k) => ['class', 'style', 'href', 'xlink:href'].includes(k) || k.startsWith('on'))).toEqual([]);
    if (e.name === 'text') expect(e.attrs['font-family']).toBe('Liberation Sans, Arial, sans-serif');
  }
  // Coordinates and lengths carry at most 2 decimals.
  const geometry = ['x', 'y', 'width', 'height', 'cx', 'cy', 'r', 'x1', 'y1', 'x2', 'y2', 'points', 'font-size', 'stroke-width'];
  for (const e of elements) {
    for (const key of geometry) {
      const value = e.attrs[key];
      if (value === undefined) continue;
      for (const n of value.split(/[ ,]/)) expect(n).toMatch(/^-?\d+(\.\d{1,2})?$/);
    }
  }
  return elements;
}

const DIMENSIONS = [
  { label: 'Droit à un revenu digne', valeur: 420 },
  { label: 'Droit à la santé', valeur: 610 },
  { label: 'Droit au logement', valeur: 100 },
  { label: 'Droit au travail', valeur: 875 },
  { label: 'Droit à la mobilité', valeur: 330 },
];
const YEARS_2020_2025 = [2020, 2021, 2022, 2023, 2024, 2025] as const;

describe('svg helpers', () => {
  it('escapes the five XML special characters and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;');
    expect(escapeXml('a\u0000b\u0007c\td')).toBe('abc\td');
  });

  it('formats coordinates with at most two decimals, without -0', () => {
    expect([fmt(12), fmt(12.345), fmt(12.5), fmt(-0.001), fmt(Number.NaN), fmt(1 / 3)]).toEqual(['12', '12.35', '12.5', '0', '0', '0.33']);
  });

  it('truncates on a word with an ellipsis and wraps within the line width', () => {
    expect(truncate('Droit au logement et à un environnement sain', 28)).toBe('Droit au logement et à un…');
    expect(truncate('Court', 28)).toBe('Court');
    expect(wrapText('Droit au logement et à un…', 16, 3)).toEqual(['Droit au', 'logement et à un…']); // a final … is not counted
    expect(wrapText("Droit à l'épanouissement…", 16, 3)).toEqual(['Droit à', "l'épanouissement…"]);
    const lines = wrapText('un deux trois quatre cinq six sept huit neuf dix', 10, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.endsWith('…')).toBe(true);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(10);
  });
});

describe('renderIsadfRadar', () => {
  it('is a standalone SVG with explicit size, viewBox, role="img" and a French title', () => {
    const svg = renderIsadfRadar({ annee: 2021, valeur: 100, dimensions: DIMENSIONS });
    expectStandaloneSvg(svg, 520, 520);
    expect(titlesOf(svg)[0]).toBe("Indicateur synthétique d'accès aux droits fondamentaux (ISADF) 2021 – ISADF de la commune : 0,10");
    expectStandaloneSvg(renderIsadfRadar({ annee: 2021, valeur: 100, dimensions: DIMENSIONS }, { size: 400 }), 400, 400);
  });

  it('prints the commune index with Belgian decimals, or "non renseigné", and omits a blank year', () => {
    const svg = renderIsadfRadar({ annee: 2019, valeur: 105, dimensions: DIMENSIONS });
    expect(svg).toContain('ISADF de la commune : 0,11');
    expect(svg).toContain('(ISADF) 2019');
    const blank = renderIsadfRadar({ annee: null, valeur: null, dimensions: DIMENSIONS });
    expect(blank).toContain('ISADF de la commune : non renseigné');
    expect(blank).toContain('droits fondamentaux (ISADF)</text>');
    expect(blank).not.toContain('(ISADF) null');
  });

  it('draws four grid polygons, one axis per dimension, the data polygon and one dot per value', () => {
    const svg = renderIsadfRadar({ annee: 2021, valeur: 100, dimensions: DIMENSIONS });
    const elements = parseXml(svg);
    const polygons = elements.filter((e) => e.name === 'polygon');
    expect(polygons).toHaveLength(5);
    for (const p of polygons) expect(p.attrs.points!.split(' ')).toHaveLength(5);
    expect(elements.filter((e) => e.name === 'line')).toHaveLength(5);
    expect(elements.filter((e) => e.name === 'circle')).toHaveLength(5);
    for (const label of ['0,25', '0,5', '0,75', '1']) expect(svg).toContain(`>${label}</text>`);
    expect(titlesOf(svg)).toContain('Droit au travail : 0,88');
  });

  it('escapes labels', () => {
    const label = `<script>alert("x")</script> & Cie d'Arlon`;
    const svg = renderIsadfRadar({ annee: 2021, valeur: 100, dimensions: [...DIMENSIONS, { label, valeur: 200 }] });
    expectStandaloneSvg(svg, 520, 520);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie d&apos;Arlon');
    expect(titlesOf(svg)).toContain(label);
  });

  it('truncates long labels at about 28 characters with an ellipsis and keeps the full label in a title', () => {
    const long = 'Droit au logement et à un environnement sain';
    const svg = renderIsadfRadar({ annee: 2021, valeur: 100, dimensions: [...DIMENSIONS, { label: long, valeur: 300 }] });
    const text = parseXml(svg).findIndex((e) => e.name === 'title' && e.text === long);
    expect(text).toBeGreaterThan(0);
    const visible = parseXml(svg)
      .filter((e) => e.name === 'tspan')
      .map((e) => e.text);
    expect(visible.join(' ')).toContain('Droit au logement et à un…');
    expect(visible.join(' ')).not.toContain('environnement');
  });

  it('leaves a gap for a null dimension instead of drawing it as zero', () => {
    const dims = [
      { label: 'A', valeur: 500 },
      { label: 'B', valeur: null },
      { label: 'C', valeur: 0 },
      { label: 'D', valeur: null },
      { label: 'E', valeur: 700 },
    ];
    const svg = renderIsadfRadar({ annee: 2021, valeur: null, dimensions: dims });
    const elements = parseXml(svg);
    // 3 values, a real 0 included: 3 dots and a triangle through them; the two blanks have no point.
    expect(elements.filter((e) => e.name === 'circle')).toHaveLength(3);
    const data = elements.filter((e) => e.name === 'polygon' && e.attrs.fill !== 'none');
    expect(data).toHaveLength(1);
    expect(data[0]!.attrs.points!.split(' ')).toHaveLength(3);
    expect(titlesOf(svg)).toEqual(expect.arrayContaining(['A : 0,50', 'C : 0,00', 'E : 0,70']));
    expect(svg.match(/non renseigné<\/text>/g)?.length).toBe(2 + 1); // B, D and the commune line
  });

  it('draws the dots only when fewer than three values are filled', () => {
    const dims = DIMENSIONS.map((d, i) => ({ ...d, valeur: i < 2 ? d.valeur : null }));
    const svg = renderIsadfRadar({ annee: 2021, valeur: 100, dimensions: dims });
    expect(count(svg, 'circle')).toBe(2);
    expect(parseXml(svg).filter((e) => e.name === 'polygon' && e.attrs.fill !== 'none')).toHaveLength(0);
    expect(count(svg, 'polygon')).toBe(4);
  });

  it('shows a message instead of the radar with fewer than three dimensions, same size', () => {
    const svg = renderIsadfRadar({ annee: 2021, valeur: 100, dimensions: DIMENSIONS.slice(0, 2) }, { size: 360 });
    expectStandaloneSvg(svg, 360, 360);
    expect(svg).toContain('Radar : au moins trois dimensions sont nécessaires (2 renseignée(s))');
    expect(svg).toContain('ISADF de la commune : 0,10');
    expect(count(svg, 'polygon')).toBe(0);
    expect(count(svg, 'circle')).toBe(0);
    const none = renderIsadfRadar({ annee: null, valeur: null, dimensions: [] });
    expectStandaloneSvg(none, 520, 520);
    expect(none).toContain('(0 renseignée(s))');
  });

  it('keeps dots inside the radar for out-of-range values and stays readable with 30 dimensions', () => {
    const dims = Array.from({ length: 30 }, (_, i) => ({ label: `Dimension numéro ${i + 1}`, valeur: i * 40 }));
    const svg = renderIsadfRadar({ annee: 2021, valeur: 100, dimensions: dims });
    expectStandaloneSvg(svg, 520, 520);
    expect(count(svg, 'circle')).toBe(30);
    for (const c of parseXml(svg).filter((e) => e.name === 'circle')) {
      expect(Number(c.attrs.cx)).toBeGreaterThanOrEqual(0);
      expect(Number(c.attrs.cx)).toBeLessThanOrEqual(520);
    }
  });

  it('is deterministic', () => {
    const input = { annee: 2021, valeur: 100, dimensions: DIMENSIONS };
    expect(renderIsadfRadar(input)).toBe(renderIsadfRadar(structuredClone(input)));
  });
});

describe('niceAxis', () => {
  it('picks 1, 2, 2,5 or 5 × 10^k of the real value, with 3 to 5 gridlines on whole minor units', () => {
    expect(niceAxis(125000, 'money')).toEqual({ max: 200000, step: 50000 }); // 1.250 € → 2.000 €
    expect(niceAxis(3, 'count')).toEqual({ max: 5, step: 1 });
    expect(niceAxis(7, 'count')).toEqual({ max: 10, step: 2 });
    expect(niceAxis(130, 'count')).toEqual({ max: 200, step: 50 });
    expect(niceAxis(2100, 'count')).toEqual({ max: 2500, step: 500 });
    expect(niceAxis(4200, 'percent')).toEqual({ max: 5000, step: 1000 });
    expect(niceAxis(0, 'count')).toEqual({ max: 5, step: 1 });
    const units: Unit[] = ['count', 'money', 'percent', 'average', 'score', 'etp'];
    for (const unit of units) {
      for (const dataMax of [1, 3, 17, 99, 100, 101, 999, 1234, 9999, 125000, 3_333_333, 10_000_000_000_000]) {
        const { max, step } = niceAxis(dataMax, unit);
        if (!(unit === 'percent' && dataMax > 100_00)) expect(max).toBeGreaterThanOrEqual(dataMax);
        expect(Number.isInteger(step)).toBe(true);
        expect(max / step).toBeGreaterThanOrEqual(3);
        expect(max / step).toBeLessThanOrEqual(5);
        const real = max / 10 ** unitScale(unit);
        const mantissa = real / 10 ** Math.floor(Math.log10(real));
        expect([1, 2, 2.5, 5]).toContain(Math.round(mantissa * 10) / 10);
      }
    }
  });

  it('never goes beyond 100 % for a percentage', () => {
    expect(niceAxis(9999, 'percent')).toEqual({ max: 10000, step: 2500 });
    expect(niceAxis(15000, 'percent')).toEqual({ max: 10000, step: 2500 });
  });
});

describe('renderIndicatorChart', () => {
  const money = {
    label: 'Montant de la convention',
    unit: 'money' as const,
    years: YEARS_2020_2025,
    values: {
      '2020': { target: 100000, actual: 90000 },
      '2021': { target: 125000, actual: 125050 },
      '2022': { target: 125000, actual: null },
      '2023': { target: null, actual: null },
      '2024': { target: 0, actual: 110000 },
      '2025': { target: 150000, actual: 12345 },
    },
  };

  it('is a standalone SVG with explicit size, viewBox, role="img" and a French title', () => {
    const svg = renderIndicatorChart(money);
    expectStandaloneSvg(svg, 480, 260);
    expect(titlesOf(svg)[0]).toBe('Montant de la convention – Cible et réalisé par année (Montant (€))');
    expectStandaloneSvg(renderIndicatorChart(money, { width: 300, height: 180 }), 300, 180);
  });

  it('titles each bar with the year, the series and the value in Belgian format (formatUnitValue)', () => {
    expect(formatUnitValue(125000, 'money')).toBe('1.250');
    expect(formatUnitValue(125050, 'money')).toBe('1.250,50');
    const titles = barTitles(renderIndicatorChart(money));
    expect(titles).toContain('2021 – Cible : 1.250');
    expect(titles).toContain('2021 – Réalisé : 1.250,50');
    expect(titles).toContain('2025 – Réalisé : 123,45');
  });

  it('draws no bar for a null value, never a zero bar, and a hairline for a real zero', () => {
    const svg = renderIndicatorChart(money);
    const titles = barTitles(svg);
    // 12 cells, 3 blank (2022 Réalisé, 2023 both): 9 bars, the 0 target of 2024 included.
    expect(titles).toHaveLength(9);
    expect(titles).not.toContain('2022 – Réalisé : 0');
    expect(titles).toContain('2024 – Cible : 0');
    expect(titlesOf(svg)).toEqual(expect.arrayContaining(['2022 – Réalisé : non renseigné', '2023 – Cible : non renseigné', '2023 – Réalisé : non renseigné']));
    const zero = parseXml(svg).find((e, i, all) => e.name === 'rect' && all[i + 1]?.text === '2024 – Cible : 0');
    expect(Number(zero?.attrs.height)).toBeGreaterThan(0);
    expect(Number(zero?.attrs.height)).toBeLessThanOrEqual(1);
  });

  it('labels the groups with the input years, whatever the programme', () => {
    const values = { '2026': { target: 10, actual: 8 }, '2031': { target: 12, actual: null } };
    const svg = renderIndicatorChart({ label: 'Bénéficiaires', unit: 'count', years: [2026, 2027, 2028, 2029, 2030, 2031], values });
    expectStandaloneSvg(svg, 480, 260);
    for (const year of [2026, 2027, 2028, 2029, 2030, 2031]) expect(svg).toContain(`>${year}</text>`);
    for (const year of YEARS_2020_2025) expect(svg).not.toContain(`>${year}</text>`);
    expect(barTitles(svg)).toEqual(['2026 – Cible : 10', '2026 – Réalisé : 8', '2031 – Cible : 12']);
  });

  it('ignores values of years outside the programme and works with a single year', () => {
    const svg = renderIndicatorChart({
      label: 'Bénéficiaires',
      unit: 'count',
      years: [2024],
      values: { '2023': { target: 99, actual: 99 }, '2024': { target: 3, actual: 2 } },
    });
    expectStandaloneSvg(svg, 480, 260);
    expect(barTitles(svg)).toEqual(['2024 – Cible : 3', '2024 – Réalisé : 2']);
    expect(svg).not.toContain('2023');
    // Axis 0..5 by 1: the bars keep a sensible width.
    for (const tick of ['0', '1', '2', '3', '4', '5']) expect(svg).toContain(`>${tick}</text>`);
    const bar = parseXml(svg).find((e) => e.name === 'rect' && e.attrs.fill === '#9cc3e6' && e.attrs.width !== '10');
    expect(Number(bar?.attrs.width)).toBeLessThanOrEqual(28);
  });

  it('labels 3 to 5 gridlines above 0 in Belgian format', () => {
    const svg = renderIndicatorChart(money);
    for (const tick of ['0', '500', '1.000', '1.500', '2.000']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).not.toContain('>2.500</text>');
  });

  it('caps the axis of a percentage at 100 %', () => {
    const svg = renderIndicatorChart({
      label: 'Taux de réussite',
      unit: 'percent',
      years: [2020, 2021],
      values: { '2020': { target: 9500, actual: 8725 }, '2021': { target: 10000, actual: 9999 } },
    });
    expect(svg).toContain('>100,0\u00a0%</text>');
    expect(svg).toContain('>75,0\u00a0%</text>');
    const ticks = parseXml(svg)
      .filter((e) => e.name === 'text' && e.attrs['text-anchor'] === 'end')
      .map((e) => e.text);
    expect(ticks).toEqual(['0,0\u00a0%', '25,0\u00a0%', '50,0\u00a0%', '75,0\u00a0%', '100,0\u00a0%']);
    // Values as stored, never rounded for display: 99,99 % is not 100 %.
    expect(barTitles(svg)).toContain('2021 – Réalisé : 99,99\u00a0%');
    expect(barTitles(svg)).toContain('2020 – Réalisé : 87,25\u00a0%');
  });

  it('shows "Aucune valeur" centred when every value is blank', () => {
    const blanks: Record<string, { target: number | null; actual: number | null }>[] = [{}, { '2020': { target: null, actual: null } }];
    for (const values of blanks) {
      const svg = renderIndicatorChart({ label: 'Nuitées', unit: 'count', years: YEARS_2020_2025, values }, { width: 400, height: 200 });
      expectStandaloneSvg(svg, 400, 200);
      const message = parseXml(svg).find((e) => e.name === 'text' && e.text === 'Aucune valeur');
      expect(message?.attrs).toMatchObject({ x: '200', 'text-anchor': 'middle' });
      expect(barTitles(svg)).toEqual([]);
    }
  });

  it('escapes labels', () => {
    const label = `<script>alert('x')</script> & "Cie"`;
    const svg = renderIndicatorChart({ ...money, label });
    expectStandaloneSvg(svg, 480, 260);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;Cie&quot;');
    expect(titlesOf(svg)).toContain(label);
  });

  it('is deterministic', () => {
    expect(renderIndicatorChart(money)).toBe(renderIndicatorChart(structuredClone(money)));
  });
});
