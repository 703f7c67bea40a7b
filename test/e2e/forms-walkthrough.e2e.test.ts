import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { FormDocument, FormDocumentSummary } from '../../schemas/form-document.ts';
import { pdfPages, savePdf } from '../pdf-tools.ts';
import type { Page } from 'playwright-core';
import { browserSuite, openPage, screenshot } from './harness.ts';

/**
 * The walkthrough: a chef de projet creates the Seraing community-health application in the browser and
 * types it from the source document (the promoting body, the kind of recognition, title and definition, objectives,
 * implementation, evaluation, the activities grid, the partners of the four pôles), saves, reloads and finds it, then
 * downloads it as XLSX and PDF (rendered by a PDF thread) and reads back what was typed.
 */
const suite = browserSuite();

const GRID = 'Tableaux détaillés des activités';
const TITLE = 'Demande Optim@ — Ougrée-bas';
const INTITULE = 'Le bien-être des habitants par le développement communautaire : une expérience dans les quartiers d’Ougrée (Seraing)';
const DEFINITION =
  'La mutation socio-économique de la région liégeoise va provoquer des conséquences directes sur la population de Seraing, essentiellement en termes de bien-être.\n' +
  'Il est indispensable d’inciter la communauté à produire elle-même les conditions de son bien-être.';
const ENJEUX =
  'Objectif général : améliorer le bien-être des habitants d’Ougrée-bas par le développement communautaire de leur quartier.\n' +
  'Objectifs spécifiques : impliquer les habitants ; mettre en place un dispositif intersectoriel ; structurer un processus d’évaluation permanente et participative.';
const METHODOLOGIE = 'Les différents groupes de travail (groupe opérationnel, ateliers thématiques, groupe d’action) se réunissent mensuellement.';
const EVALUATION =
  'L’évaluation participative associe les différents acteurs impliqués aux différents niveaux de la démarche : usagers, habitants, intervenants, décideurs.';
const ACTIVITES = [
  {
    activite: 'Diagnostic communautaire du quartier',
    theme: 'N°4 – contextes sociaux, économiques ou prise en compte de certains milieux : l’école et le travail, quartiers précarisés',
    public: 'Habitants d’Ougrée-bas',
    debut: '15/01/2025',
    budget: '2.500,00',
  },
  {
    activite: 'Ateliers thématiques des intervenants',
    theme: 'N°2 - santé positive : alimentation, santé mentale, traumatisme et accidents, sexe',
    public: 'Intervenants du quartier',
    debut: '01/03/2025',
    budget: '1.200,50',
  },
  {
    activite: 'Groupe d’habitants « Coup de cœur sur Ougrée »',
    theme: 'N°5- les formations en santé publique',
    public: 'Publics précarisés',
    debut: '01/04/2025',
    budget: '800,00',
  },
];
const PARTENAIRES = {
  socioSanitaire: ['Centrale de soin à domicile (CSD)', 'Maisons médicales de Seraing'],
  educatif: ['CPMS provincial', 'PSE 1 Seraing'],
  formationInsertion: ['Agence Locale pour l’Emploi (ALE)', 'CEFA Liège-Couronne'],
  economique: ['So.F.I.E. (entreprise d’insertion)'],
};

/**
 * Types a row of the grid from the keyboard: its first cell clicked, then each value and Tab to the next column, a
 * blank column skipped with Tab.
 */
async function typeRow(page: Page, rowIndex: number, values: (string | null)[]): Promise<void> {
  await page.locator(`.grid[aria-label="${GRID}"] .ht_master td[data-row="${rowIndex}"][data-key="activite"]`).click();
  for (const value of values) {
    if (value !== null) {
      // At a typist's pace: the cell's editor opens on the first key.
      await page.keyboard.type(value, { delay: 20 });
      // A drop-down cell filters its list as one types.
      await page.waitForTimeout(300);
    }
    await page.keyboard.press('Tab');
  }
}

describe('the community-health application, end to end', () => {
  it('is typed in the page, saved, reloaded, and downloaded as XLSX and PDF holding what was typed', { timeout: 240_000 }, async () => {
    const { server } = suite;
    const page = await openPage(suite.browser, suite.errors, server);
    await page.goto(`${server.url}/#/plan/${server.planId}/porteur`);
    await page.getByRole('link', { name: 'Formulaires' }).click();
    await page.getByLabel('Genre de document').selectOption({ label: 'Demande de projet de santé communautaire' });
    await page.getByRole('button', { name: 'Créer le document' }).click();
    const control = (path: string) => page.locator(`input[data-path="data.${path}"], textarea[data-path="data.${path}"], select[data-path="data.${path}"]`);
    await control('promoteur.nom').waitFor();

    await page.getByLabel('Titre du document').fill(TITLE);
    await control('promoteur.nom').fill('Optim@');
    await control('promoteur.responsable').fill('Jean-Marie Delvoye');
    await control('promoteur.adresseSiege').fill('Place Communale à 4100 SERAING');
    await control('promoteur.telephone').fill('00/32/4/385.13.99');
    await control('promoteur.courriel').fill('optima@optima-obs.org');
    await control('promoteur.siteInternet').fill('www.optima-obs.org');
    await control('promoteur.correspondant').fill('Jean-Christophe Maisin');
    const nature = page.locator('[data-path="data.reconnaissance.nature"]');
    await nature.getByLabel('Reconnaissance accordant des moyens ( financiers et /ou humain)pour ce type de missions').check();
    await control('reconnaissance.moyensPrecisions').fill(
      'Programme pluri-annuel de santé communautaire subventionné par la Communauté française (demande en cours) environ 60.000 € par an',
    );
    await control('description.intitule').fill(INTITULE);
    await control('description.definition').fill(DEFINITION);
    await control('description.enjeux').fill(ENJEUX);
    await control('miseEnOeuvre.methodologie').fill(METHODOLOGIE);
    await control('miseEnOeuvre.evaluation').fill(EVALUATION);
    for (const [pole, names] of Object.entries(PARTENAIRES)) await control(`partenaires.${pole}`).fill(names.join('\n'));

    // The activities, typed in the grid row by row.
    const add = page.getByRole('button', { name: 'Ajouter une ligne' });
    for (const [r, a] of ACTIVITES.entries()) {
      await add.click();
      // Activité, Thème, Public visé, Lieux (blank), Début, Fin (blank), Budget.
      await typeRow(page, r, [a.activite, a.theme, a.public, null, a.debut, null, a.budget]);
    }

    const list = (await server.api<FormDocumentSummary[]>('GET', `/api/plans/${server.planId}/forms`)).body;
    expect(list).toHaveLength(1);
    const documentId = list[0]!.id;
    const stored = async () => (await server.api<FormDocument>('GET', `/api/plans/${server.planId}/forms/${documentId}`)).body;
    await expect
      .poll(async () => (await stored()).data, { timeout: 15_000 })
      .toMatchObject({
        promoteur: { nom: 'Optim@', responsable: 'Jean-Marie Delvoye', correspondant: 'Jean-Christophe Maisin' },
        reconnaissance: { nature: ['moyens'] },
        description: { intitule: INTITULE, definition: DEFINITION, enjeux: ENJEUX },
        miseEnOeuvre: { methodologie: METHODOLOGIE, evaluation: EVALUATION },
        activites: {
          activites: [
            { activite: ACTIVITES[0]!.activite, theme: 'contextesSociaux', public: ACTIVITES[0]!.public, debut: '2025-01-15', budget: 250_000 },
            { activite: ACTIVITES[1]!.activite, theme: 'santePositive', debut: '2025-03-01', budget: 120_050 },
            { activite: ACTIVITES[2]!.activite, theme: 'formations', debut: '2025-04-01', budget: 80_000 },
          ],
        },
        partenaires: PARTENAIRES,
      });
    await expect.poll(() => page.getByTestId('form-status').innerText(), { timeout: 10_000 }).toBe('Enregistré');
    expect((await stored()).title).toBe(TITLE);

    // Reloaded, the page shows what was saved.
    await page.reload();
    await control('promoteur.nom').waitFor();
    expect(await page.getByLabel('Titre du document').inputValue()).toBe(TITLE);
    expect(await control('description.intitule').inputValue()).toBe(INTITULE);
    expect(await control('partenaires.educatif').inputValue()).toBe(PARTENAIRES.educatif.join('\n'));
    expect(await nature.getByLabel('Reconnaissance accordant des moyens ( financiers et /ou humain)pour ce type de missions').isChecked()).toBe(true);
    const grid = page.locator(`.grid[aria-label="${GRID}"]`);
    for (const a of ACTIVITES) await expect.poll(() => grid.innerText()).toContain(a.activite);
    await screenshot(page, 'form-application-walkthrough');

    // The page's links, fetched with the chef de projet's session.
    const download = async (testId: string) => {
      const href = await page.getByTestId(testId).getAttribute('href');
      const res = await page.request.get(new URL(href!, server.url).href);
      expect(res.status()).toBe(200);
      return new Uint8Array(await res.body());
    };
    const text = pdfPages(savePdf(await download('form-export-pdf'), 'form-application-walkthrough'))
      .join('\n')
      .replace(/\s+/g, ' ');
    for (const typed of [
      'Optim@',
      'Jean-Marie Delvoye',
      'Reconnaissance accordant des moyens',
      'Le bien-être des habitants par le développement communautaire',
      'Objectif général : améliorer le bien-être des habitants d’Ougrée-bas',
      'se réunissent mensuellement',
      'L’évaluation participative associe',
      // A table's cells wrap in their column: their first words.
      ...ACTIVITES.map((a) => a.activite.split(' ')[0]!),
      '€ 2.500,00',
      '€ 1.200,50',
      '15/01/2025',
      ...Object.values(PARTENAIRES).flat(),
    ]) {
      expect(text).toContain(typed);
    }

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download('form-export-xlsx')).buffer as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(2)));
    const cellOf = (label: string) => rows.find((r) => r[0] === label)?.[1];
    expect(cellOf('Nom')).toBe('Optim@');
    expect(cellOf('Notre association /institution bénéficie d’une :')).toBe(
      'Reconnaissance accordant des moyens ( financiers et /ou humain)pour ce type de missions',
    );
    expect(cellOf('Partenaires du pôle formation / insertion')).toBe(PARTENAIRES.formationInsertion.join('\n'));
    expect(rows.some((r) => r[0] === DEFINITION)).toBe(true);
    const header = rows.findIndex((r) => r[0] === 'Activité');
    expect(rows.slice(header + 1, header + 4).map((r) => [r[0], r[1], r[4], r[6]])).toEqual(
      ACTIVITES.map((a, i) => [a.activite, a.theme, new Date(`${['2025-01-15', '2025-03-01', '2025-04-01'][i]}T00:00:00Z`), [2500, 1200.5, 800][i]]),
    );
  });
});
