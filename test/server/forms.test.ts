import { describe, expect, it, vi } from 'vitest';
import ExcelJS from 'exceljs';
import { HAS_LIBREOFFICE, editWithLibreOffice } from '../libreoffice.ts';
import { pdfPages, savePdf } from '../pdf-tools.ts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormDefinitionError, loadFormDefinitions } from '../../server/form-definitions.ts';
import { formDataFromStored, formDataSchema } from '../../schemas/form-document.ts';
import { expectApiError, failure, makeLiegeApp, reply, type AccountName } from '../helpers.ts';
import { HANGING_FORM_TITLE } from './pdf-pool-years.ts';

/**
 * Form documents defined in templates/forms/: a definition is data, refused at start with its file and field; a
 * document of a plan is created (prefilled from the plan), saved with versions and the audit trail, judged field by
 * field, and only the chef de projet (and the administrator) write it. `suivi-partenaires` is a test-only kind.
 */

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'forms');
const shipped = loadFormDefinitions();
const forms = new Map([...shipped, ...loadFormDefinitions(FIXTURES)]);
const EVALUATION = 'evaluation-groupes-de-travail';
const APPLICATION = 'demande-projet-sante-communautaire';
const TEST_KIND = 'suivi-partenaires';

/** A folder holding one definition file, `name`, with `content`. */
function folderWith(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cohesio-forms-'));
  writeFileSync(join(dir, name), content);
  return dir;
}

const fixture = () => JSON.parse(readFileSync(join(FIXTURES, `${TEST_KIND}.json`), 'utf8')) as { sections: { fields: Record<string, unknown>[] }[] };

describe('form definitions (templates/forms/)', () => {
  it('ships the evaluation of working groups and the community-health application, with the documents’ labels', () => {
    expect([...shipped.keys()]).toEqual([APPLICATION, EVALUATION]);
    const evaluation = shipped.get(EVALUATION)!;
    const group = evaluation.sections[1]!.fields[0]!;
    expect(group.kind === 'group' && group.fields.map((f) => f.label)).toEqual([
      'Groupe de travail',
      'Objectifs',
      'Difficultés rencontrées',
      'Résultats enregistrés',
      "Propositions d'action",
    ]);
    const application = shipped.get(APPLICATION)!;
    expect(application.sections.map((s) => s.label)).toContain('2. Nature de la reconnaissance');
    const partners = application.sections.find((s) => s.id === 'partenaires')!.fields.map((f) => f.label);
    expect(partners).toEqual([
      'Partenaires du pôle socio-sanitaire',
      'Partenaires du pôle éducatif',
      'Partenaires du pôle formation / insertion',
      'Partenaires du pôle économique',
    ]);
  });

  it('refuses a field of an unknown kind, naming the file and the field', () => {
    const broken = fixture();
    broken.sections[0]!.fields[1]!.kind = 'couleur';
    const dir = folderWith(`${TEST_KIND}.json`, JSON.stringify(broken));
    expect(() => loadFormDefinitions(dir)).toThrow(FormDefinitionError);
    expect(() => loadFormDefinitions(dir)).toThrow(
      `Définition de formulaire ${dir}/${TEST_KIND}.json, champ sections.0.fields.1.kind : Genre de champ inconnu : text, longText, bulletList, yesNo, choice, date, amount, ficheAction, table ou group`,
    );
    expect(() => loadFormDefinitions(dir, 'templates/forms')).toThrow(
      /^Définition de formulaire templates\/forms\/suivi-partenaires\.json, champ sections\.0\.fields\.1\.kind : /,
    );
  });

  it.each([
    ['a file that is not JSON', '{ "id": ', /suivi-partenaires\.json illisible : ce n’est pas du JSON valide/],
    ['a label missing', JSON.stringify({ ...fixture(), label: '' }), /champ label : Libellé obligatoire/],
    ['an id that is not the file’s name', JSON.stringify({ ...fixture(), id: 'autre-chose' }), /champ id : « autre-chose » doit être le nom du fichier/],
    [
      'a field id used twice in a section',
      JSON.stringify({ ...fixture(), sections: [{ ...fixture().sections[0], fields: [...fixture().sections[0]!.fields, fixture().sections[0]!.fields[0]] }] }),
      /champ sections\.0\.fields\.5\.id : Le champ « responsable » apparaît deux fois/,
    ],
  ])('refuses %s', (_what, content, message) => {
    const dir = folderWith(`${TEST_KIND}.json`, content);
    expect(() => loadFormDefinitions(dir)).toThrow(message);
  });

  it('refuses a group whose title field is not one of its text fields', () => {
    const broken = fixture();
    (broken.sections[1]!.fields[0] as { titleField: string }).titleField = 'convention';
    expect(() => loadFormDefinitions(folderWith(`${TEST_KIND}.json`, JSON.stringify(broken)))).toThrow(
      /champ sections\.1\.fields\.0\.titleField : « convention » n’est pas un champ texte/,
    );
  });
});

describe('the content of a document, derived from its definition', () => {
  const schema = formDataSchema(forms.get(TEST_KIND)!);

  it('keeps money in cents, dates ISO, and a blank as null, never 0 or ""', () => {
    const data = schema.parse({
      general: { responsable: '  ', budgetTotal: '1.234,56', dateBilan: '2025-03-31' },
      partenaires: { suivis: [{ nom: 'CPAS', versements: [{ montant: 0 }], remarques: ['', 'à relancer'] }] },
    });
    expect(data.general).toEqual({ responsable: null, dateBilan: '2025-03-31', complet: null, budgetTotal: 123456, priorite: null });
    expect(data.partenaires!.suivis).toEqual([
      { nom: 'CPAS', convention: null, fiche: null, remarques: ['à relancer'], versements: [{ date: null, montant: 0, objet: null }] },
    ]);
  });

  it('reads a content stored under an older definition field by field, keeping what still fits', () => {
    const data = formDataFromStored(forms.get(TEST_KIND)!, {
      general: { responsable: 'M. Lambert', priorite: 'moyenne', ancienChamp: 'x' },
      partenaires: { suivis: [{ nom: 'CPAS', remarques: ['a'] }] },
      ancienneSection: {},
    });
    expect(data.general).toMatchObject({ responsable: 'M. Lambert', priorite: null });
    expect(data.general).not.toHaveProperty('ancienChamp');
    expect(data).not.toHaveProperty('ancienneSection');
    expect(data.partenaires!.suivis).toEqual([{ nom: 'CPAS', convention: null, fiche: null, remarques: ['a'], versements: [] }]);
  });

  it('names each refused value by its path, in French', () => {
    const r = schema.safeParse({
      general: { responsable: 'x'.repeat(61), dateBilan: '31/03/2025', priorite: 'moyenne', inconnu: 1 },
      partenaires: { suivis: [{ nom: 'A', remarques: ['a', 'b', 'c', 'd'], versements: [{ montant: 12.5 }] }] },
    });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => `${i.path.join('.')} : ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'general.responsable : Texte trop long (60 caractères au plus)',
        'general.dateBilan : Date attendue au format AAAA-MM-JJ',
        'general.priorite : Valeur hors liste : « Haute », « Basse »',
        'general : Champ inconnu : inconnu',
        'partenaires.suivis.0.remarques : Au plus 3 éléments',
        'partenaires.suivis.0.versements.0.montant : Nombre entier attendu, en unités mineures (centimes, centièmes)',
      ]),
    );
  });
});

describe('form documents of a plan', () => {
  const setup = () => {
    const t = makeLiegeApp({ forms });
    const forPlan = (name: AccountName = 'chef') => t.apiAs(name).plans[':planId'].forms;
    return { ...t, forPlan, param: { planId: t.plan.id } };
  };

  it('lists the kinds, the test-only one included when given', async () => {
    const t = setup();
    const kinds = await reply(t.apiAs('partenaire')['form-kinds'].$get());
    expect(kinds.status).toBe(200);
    expect(kinds.body.map((k) => k.id)).toEqual([APPLICATION, EVALUATION, TEST_KIND]);
  });

  it('creates an evaluation with one block per working group of the plan, in the audit trail', async () => {
    const t = setup();
    const created = await reply(t.forPlan().$post({ param: t.param, json: { kind: EVALUATION, title: 'Évaluation à 6 mois 2025' } }));
    expect(created.status).toBe(201);
    const groups = created.body.data.evaluation!.groupes as { nom: string; objectifs: string[] }[];
    expect(groups.map((g) => g.nom)).toEqual(t.plan.reunionsOrganisees.map((r) => r.thematique));
    expect(groups[0]!.objectifs).toEqual([]);
    expect(created.body).toMatchObject({ version: 0, kind: EVALUATION, createdBy: expect.any(String) });
    expect(created.body.manquants).toEqual([{ path: 'origines.periode', label: 'A. Origines du projet · Évaluation' }]);
    const list = await reply(t.forPlan('finance').$get({ param: t.param }));
    expect(list.body.map((d) => [d.title, d.kindLabel])).toEqual([['Évaluation à 6 mois 2025', 'Évaluation des groupes de travail']]);
    const history = await reply(t.apiAs('chef').plans[':planId'].history.$get({ param: t.param, query: {} }));
    expect(history.body[0]!.summary).toBe('Formulaire « Évaluation à 6 mois 2025 » créé (Évaluation des groupes de travail)');
    expect(history.body[0]!.values.map((v) => v.label)).toContain(
      `Formulaire « Évaluation à 6 mois 2025 » · B. Evaluation · Groupe de travail 1 « ${groups[0]!.nom} » · Groupe de travail`,
    );
  });

  it('saves with its version, answers 409 to a stale one, and records each changed value', async () => {
    const t = setup();
    const doc = (await reply(t.forPlan().$post({ param: t.param, json: { kind: EVALUATION } }))).body;
    const documentParam = { ...t.param, documentId: doc.id };
    const data = structuredClone(doc.data);
    data.origines!.periode = 'sixMois';
    (data.evaluation!.groupes as { objectifs: string[] }[])[1]!.objectifs = ['Lutter contre le décrochage socio-scolaire des jeunes étudiants'];
    const saved = await reply(t.forPlan()[':documentId'].$put({ param: documentParam, json: { version: 0, data } }));
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(1);
    expect(saved.body.manquants).toEqual([]);
    const again = await reply(t.forPlan()[':documentId'].$put({ param: documentParam, json: { version: 1, data } }));
    expect(again.body.version).toBe(1);
    const stale = await failure(
      t.forPlan()[':documentId'].$put({ param: documentParam, json: { version: 0, data: { ...data, conclusions: { conclusions: ['Autre'] } } } }),
    );
    const error = expectApiError(stale, 409, 'conflict');
    expect(error.message).toMatch(/a été modifié\(e\) entre-temps \(version 1, vous aviez la version 0\)/);
    expect(stale.body.current).toMatchObject({ version: 1 });
    const history = await reply(t.apiAs('chef').plans[':planId'].history.$get({ param: t.param, query: {} }));
    const entry = history.body[0]!;
    expect(entry.summary).toBe('Formulaire « Évaluation des groupes de travail » modifié');
    expect(entry.values.map((v) => [v.label, v.newText])).toEqual([
      ['Formulaire « Évaluation des groupes de travail » · A. Origines du projet · Évaluation', 'Evaluation à 6 mois'],
      [
        `Formulaire « Évaluation des groupes de travail » · B. Evaluation · Groupe de travail 2 « ${t.plan.reunionsOrganisees[1]!.thematique} » · Objectifs`,
        'Lutter contre le décrochage socio-scolaire des jeunes étudiants',
      ],
    ]);
  });

  it('refuses content that breaks the definition at the field, and a fiche action of another plan', async () => {
    const t = setup();
    const doc = (await reply(t.forPlan().$post({ param: t.param, json: { kind: APPLICATION } }))).body;
    const documentParam = { ...t.param, documentId: doc.id };
    const bad = await failure(
      t
        .forPlan()
        [':documentId'].$put({ param: documentParam, json: { version: 0, data: { activites: { activites: [{ activite: 'Atelier', budget: '1,234.56' }] } } } }),
    );
    expectApiError(bad, 400, 'validation', 'data.activites.activites.0.budget');
    const foreign = await failure(
      t.forPlan()[':documentId'].$put({ param: documentParam, json: { version: 0, data: { description: { ficheAction: 'pas-une-fiche' } } } }),
    );
    expect(expectApiError(foreign, 400, 'validation', 'data.description.ficheAction').issues[0]!.message).toBe('Cette fiche action n’appartient pas au plan');
    const fiche = t.plan.actions[0]!.id;
    const ok = await reply(
      t.forPlan()[':documentId'].$put({
        param: documentParam,
        json: {
          version: 0,
          title: 'Demande Optim@',
          data: { promoteur: { nom: 'Optim@' }, description: { intitule: 'Le bien-être des habitants', ficheAction: fiche } },
        },
      }),
    );
    expect(ok.status).toBe(200);
    expect(ok.body.data.description!.ficheAction).toBe(fiche);
    expect(ok.body.title).toBe('Demande Optim@');
    const unknownKind = await failure(t.forPlan().$post({ param: t.param, json: { kind: 'inconnu' } }));
    expectApiError(unknownKind, 400, 'validation', 'kind');
  });

  it('lets the chef de projet write; the finance officer, the partner and the DiCS read only; another commune sees nothing', async () => {
    const t = setup();
    const doc = (await reply(t.forPlan().$post({ param: t.param, json: { kind: EVALUATION } }))).body;
    const documentParam = { ...t.param, documentId: doc.id };
    for (const name of ['finance', 'partenaire', 'dics'] as const) {
      expectApiError(await failure(t.forPlan(name).$post({ param: t.param, json: { kind: EVALUATION } })), 403, 'forbidden');
      expectApiError(await failure(t.forPlan(name)[':documentId'].$put({ param: documentParam, json: { version: 0, data: doc.data } })), 403, 'forbidden');
      expectApiError(await failure(t.forPlan(name)[':documentId'].$delete({ param: documentParam, query: { version: '0' } })), 403, 'forbidden');
      expect((await reply(t.forPlan(name)[':documentId'].$get({ param: documentParam }))).status).toBe(200);
    }
    expectApiError(await failure(t.forPlan('autreCommune')[':documentId'].$get({ param: documentParam })), 404, 'not_found');
    expect((await reply(t.forPlan('admin')[':documentId'].$delete({ param: documentParam, query: { version: '0' } }))).status).toBe(204);
    expectApiError(await failure(t.forPlan()[':documentId'].$get({ param: documentParam })), 404, 'not_found');
  });

  it('runs a test-only kind end to end: prefilled from the partner cards, saved, read back', async () => {
    const t = setup();
    const doc = (await reply(t.forPlan().$post({ param: t.param, json: { kind: TEST_KIND } }))).body;
    const suivis = doc.data.partenaires!.suivis as Record<string, unknown>[];
    expect(suivis.map((s) => s.nom)).toEqual(t.plan.partenaires.map((p) => p.nom));
    suivis[0] = { ...suivis[0], convention: true, remarques: ['=1+1'], versements: [{ date: '2025-02-01', montant: '2.500,00', objet: 'Première tranche' }] };
    const data = { general: { responsable: 'M. Lambert', dateBilan: '2025-03-31', budgetTotal: 1_000_000 }, partenaires: { suivis } };
    const saved = await reply(t.forPlan()[':documentId'].$put({ param: { ...t.param, documentId: doc.id }, json: { version: 0, data } }));
    expect(saved.status).toBe(200);
    const read = await reply(t.forPlan('dics')[':documentId'].$get({ param: { ...t.param, documentId: doc.id } }));
    expect((read.body.data.partenaires!.suivis as Record<string, unknown>[])[0]).toMatchObject({
      convention: true,
      remarques: ['=1+1'],
      versements: [{ date: '2025-02-01', montant: 250_000, objet: 'Première tranche' }],
    });
    expect(read.body.manquants).toEqual([]);
  });

  it('exports a document through the plan’s generators: XLSX with tables as tables and inert texts, PDF with the same labels', async () => {
    const t = setup();
    const doc = (await reply(t.forPlan().$post({ param: t.param, json: { kind: APPLICATION, title: 'Demande Optim@ 2025' } }))).body;
    const documentParam = { ...t.param, documentId: doc.id };
    const data = {
      promoteur: { nom: 'Optim@', responsable: '=HYPERLINK("http://x")' },
      reconnaissance: { nature: ['legale', 'aucune'] },
      description: { intitule: 'Le bien-être des habitants par le développement communautaire', ficheAction: t.plan.actions[0]!.id },
      activites: { activites: [{ activite: 'Diagnostic communautaire', theme: 'contextesSociaux', debut: '2025-01-15', budget: '2.500,00' }] },
      partenaires: { socioSanitaire: ['Centrale de soin à domicile (CSD)', "Form'Anim"], economique: ['So.F.I.E. (entreprise d’insertion)'] },
    };
    expect((await reply(t.forPlan()[':documentId'].$put({ param: documentParam, json: { version: 0, data } }))).status).toBe(200);

    const xlsx = await t.as('finance').request(`/api/plans/${t.plan.id}/forms/${doc.id}/export.xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain('Demande%20Optim%40%202025%20-%20Li%C3%A8ge.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const sheet = wb.worksheets[0]!;
    expect(sheet.name).toBe('Demande de projet de santé comm');
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(2)));
    const rowOf = (label: string) => rows.find((r) => r[0] === label);
    expect(rowOf('Nom')![1]).toBe('Optim@');
    expect(rowOf('Responsable')![1]).toBe('\'=HYPERLINK("http://x")');
    expect(rowOf('Notre association /institution bénéficie d’une :')![1]).toBe(
      'Reconnaissance légale impliquant des missions dans le champ de l’action communautaire\nAucune reconnaissance légale particulière liée au statut de l’institution ou association',
    );
    expect(rowOf('Fiche action du Plan de Cohésion sociale financée')![1]).toMatch(/^Fiche \d/);
    const header = rows.findIndex((r) => r[0] === 'Activité');
    expect(rows[header]).toEqual(['Activité', 'Thème', 'Public visé', 'Lieux d’implantation des activités', 'Début', 'Fin', 'Budget']);
    const line = rows[header + 1]!;
    expect(line[0]).toBe('Diagnostic communautaire');
    expect(line[1]).toBe('N°4 – contextes sociaux, économiques ou prise en compte de certains milieux : l’école et le travail, quartiers précarisés');
    expect(line[4]).toEqual(new Date('2025-01-15T00:00:00Z'));
    expect(line[6]).toBe(2500);

    const pdf = await t.as('dics').request(`/api/plans/${t.plan.id}/forms/${doc.id}/export.pdf`);
    expect(pdf.status).toBe(200);
    const text = pdfPages(savePdf(new Uint8Array(await pdf.arrayBuffer()), 'form-application')).join('\n');
    for (const expected of [
      'Demande de projet de santé communautaire',
      '2. Nature de la reconnaissance',
      'Diagnostic communautaire',
      '€ 2.500,00',
      'So.F.I.E. (entreprise d’insertion)',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('reads an edited export back: a preview of each changed value, then applied with the document’s version', async () => {
    const t = setup();
    const doc = (await reply(t.forPlan().$post({ param: t.param, json: { kind: TEST_KIND, title: 'Suivi 2025' } }))).body;
    const documentParam = { ...t.param, documentId: doc.id };
    const suivis = (doc.data.partenaires!.suivis as Record<string, unknown>[]).slice(0, 2);
    suivis[0] = { ...suivis[0], remarques: ['=1+1'], versements: [{ date: '2025-02-01', montant: 250_000, objet: 'Première tranche' }] };
    const data = { general: { responsable: 'M. Lambert', dateBilan: '2025-03-31', priorite: 'haute' }, partenaires: { suivis } };
    expect((await reply(t.forPlan()[':documentId'].$put({ param: documentParam, json: { version: 0, data } }))).status).toBe(200);

    const exported = await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${doc.id}/export.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await exported.arrayBuffer());
    const sheet = wb.worksheets[0]!;
    const rowOf = (label: string, nth = 0) => {
      const rows: ExcelJS.Row[] = [];
      sheet.eachRow((row) => {
        if (row.getCell(2).value === label) rows.push(row);
      });
      return rows[nth]!;
    };
    rowOf('Responsable du suivi').getCell(3).value = 'Mme Dupont';
    rowOf('Priorité').getCell(3).value = 'Basse';
    rowOf('Convention signée', 1).getCell(3).value = 'Oui';
    const versement = sheet.getRow(rowOf('Date').number + 1);
    versement.getCell(3).value = 2600.5;
    const edited = new Uint8Array(await wb.xlsx.writeBuffer());

    const send = (fields: Record<string, string>, bytes = edited) => {
      const form = new FormData();
      form.set('file', new File([bytes], 'suivi.xlsx'));
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      return t.as('chef').request(`/api/plans/${t.plan.id}/forms/${doc.id}/import.xlsx`, { method: 'POST', body: form });
    };
    const preview = await send({});
    expect(preview.status, await preview.clone().text()).toBe(200);
    const body = (await preview.json()) as { fingerprint: string; changes: { label: string; before: string; after: string }[] };
    expect(body.fingerprint).toBe('1');
    expect(body.changes.map((c) => [c.before, c.after])).toEqual([
      ['M. Lambert', 'Mme Dupont'],
      ['Haute', 'Basse'],
      ['€ 2.500,00', '€ 2.600,50'],
      ['', 'Oui'],
    ]);
    expect((await reply(t.forPlan()[':documentId'].$get({ param: documentParam }))).body.version).toBe(1);

    const applied = await send({ apply: 'true', fingerprint: body.fingerprint });
    expect(applied.status).toBe(200);
    const stored = (await reply(t.forPlan()[':documentId'].$get({ param: documentParam }))).body;
    expect(stored.version).toBe(2);
    expect(stored.data.general).toMatchObject({ responsable: 'Mme Dupont', priorite: 'basse' });
    const storedSuivis = stored.data.partenaires!.suivis as Record<string, unknown>[];
    expect(storedSuivis[0]).toMatchObject({ remarques: ['=1+1'], versements: [{ montant: 260_050 }] });
    expect(storedSuivis[1]).toMatchObject({ convention: true });
    const history = await reply(t.apiAs('chef').plans[':planId'].history.$get({ param: t.param, query: {} }));
    expect(history.body[0]).toMatchObject({ origin: 'import', summary: 'Formulaire « Suivi 2025 » modifié' });

    const stale = await send({ apply: 'true', fingerprint: '1' });
    expectApiError({ status: stale.status, body: await stale.json() }, 409, 'conflict');
    rowOf('Date du bilan').getCell(3).value = 'bientôt';
    const refused = await send({}, new Uint8Array(await wb.xlsx.writeBuffer()));
    const error = expectApiError({ status: refused.status, body: await refused.json() }, 400, 'validation');
    expect(error.issues[0]!.path).toMatch(/^Suivi des partenaires .*!C\d+$/);
  });

  it('holds the Waremme evaluation: six working groups typed from the source document, exported one block per group', async () => {
    const t = setup();
    const doc = (await reply(t.forPlan().$post({ param: t.param, json: { kind: EVALUATION, title: 'Pacte de coordination — évaluation à 6 mois' } }))).body;
    const names = [
      'Maillage social',
      'Opérations collectives « Vivre ensemble »',
      'Prévention jeunesse',
      'Autour des familles',
      'Lutte contre la solitude et l’exclusion sociale',
      'Insertion socio-professionnelle',
    ];
    const groupes = names.map((nom) => ({ nom, objectifs: [], difficultes: [], resultats: [], propositions: [] })) as Record<string, unknown>[];
    groupes[0] = {
      ...groupes[0],
      objectifs: [
        'Lutter contre le décrochage socio-scolaire des jeunes étudiants (et les situations de détresse familiale) par une meilleure coordination de l’aide individuelle.',
      ],
      resultats: ['Mise en évidence des attentes et réticences des uns et des autres.', 'Ouverture de l’Espace Tremplin (service d’accrochage scolaire).'],
      propositions: ['Poursuite des concertations spontanées au cas par cas.'],
    };
    const data = {
      origines: { periode: 'sixMois', origines: 'Le travail en coordination existe depuis 20 ans à Waremme…' },
      evaluation: { groupes },
      conclusions: { conclusions: ['Le caractère transversal des actions visées par le pacte se confirme.'] },
    };
    const saved = await reply(t.forPlan()[':documentId'].$put({ param: { ...t.param, documentId: doc.id }, json: { version: 0, data } }));
    expect(saved.status).toBe(200);
    expect((saved.body.data.evaluation!.groupes as { nom: string }[]).map((g) => g.nom)).toEqual(names);
    const xlsx = await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${doc.id}/export.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const texts: unknown[] = [];
    wb.worksheets[0]!.eachRow((row) => texts.push(row.getCell(2).value));
    expect(texts.filter((v) => typeof v === 'string' && v.startsWith('Groupe de travail '))).toEqual(
      names.map((n, i) => `Groupe de travail ${i + 1} « ${n} »`),
    );
  });
});

describe('a form document’s PDF, made by the PDF threads', () => {
  const TEST_WORKER = new URL('./pdf-pool-worker.ts', import.meta.url).href;

  it('comes from a thread of the pool, not from the server’s own thread', async () => {
    const t = makeLiegeApp({ forms });
    const pool = t.ctx.pdf!.pool;
    try {
      const doc = (await reply(t.apiAs('chef').plans[':planId'].forms.$post({ param: { planId: t.plan.id }, json: { kind: EVALUATION, title: 'Bilan 2025' } })))
        .body;
      const data = { origines: { periode: 'sixMois', origines: 'Le travail en coordination existe depuis 20 ans à Waremme.' } };
      const saved = await reply(
        t.apiAs('chef').plans[':planId'].forms[':documentId'].$put({ param: { planId: t.plan.id, documentId: doc.id }, json: { version: 0, data } }),
      );
      expect(saved.status).toBe(200);
      expect(pool.stats()).toMatchObject({ started: 0, rendered: 0 });
      const pdf = await t.as('partenaire').request(`/api/plans/${t.plan.id}/forms/${doc.id}/export.pdf`);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pool.stats()).toMatchObject({ started: 1, rendered: 1, failed: 0 });
      const text = pdfPages(savePdf(new Uint8Array(await pdf.arrayBuffer()), 'form-in-thread')).join('\n');
      expect(text).toContain('Évaluation des groupes de travail');
      expect(text).toContain('Bilan 2025');
      expect(text).toContain('Le travail en coordination existe depuis 20 ans à Waremme.');
      expect(text).toMatch(/Page 1 \/ \d+/);
    } finally {
      await pool.close();
    }
  });

  it('is refused at once with 503 and Retry-After when the line is full, and a render over time fails in French', async () => {
    // One thread, no place in the line; the test thread blocks on a form titled HANGING_FORM_TITLE.
    const t = makeLiegeApp({ forms, pdf: { workerUrl: TEST_WORKER, maxWorkers: 1, maxQueue: 0, timeoutMs: 3_000 } });
    const pool = t.ctx.pdf!.pool;
    try {
      const create = (title: string) =>
        reply(t.apiAs('chef').plans[':planId'].forms.$post({ param: { planId: t.plan.id }, json: { kind: EVALUATION, title } }));
      const hanging = (await create(HANGING_FORM_TITLE)).body;
      const other = (await create('Bilan 2025')).body;
      const held = t.as('chef').request(`/api/plans/${t.plan.id}/forms/${hanging.id}/export.pdf`);
      await vi.waitFor(() => expect(pool.stats()).toMatchObject({ workers: 1, busy: 1 }), { timeout: 30_000 });
      const refused = await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${other.id}/export.pdf`);
      const body = expectApiError({ status: refused.status, body: await refused.json() }, 503, 'unavailable');
      expect(body.message).toMatch(/^Trop de documents PDF sont en cours de génération \(1 en cours, 0 en attente\) : réessayez dans \d+ secondes?$/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

      const timedOut = await held;
      const failed = expectApiError({ status: timedOut.status, body: await timedOut.json() }, 500, 'internal');
      expect(failed.message).toBe('La génération du PDF a dépassé 3 secondes et a été interrompue : réessayez plus tard, ou signalez-le à l’administrateur');
      expect(pool.stats()).toMatchObject({ failed: 1 });
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('closed lists in a form document’s workbook', () => {
  /** The values of the drop-down of `cell`, read from the range its validation names (in the hidden « Listes » sheet). */
  function dropDown(wb: ExcelJS.Workbook, cell: ExcelJS.Cell): string[] | null {
    const validation = cell.dataValidation;
    if (validation?.type !== 'list') return null;
    const m = /^'?([^'!]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/.exec(String(validation.formulae?.[0]));
    expect(m, String(validation.formulae?.[0])).not.toBeNull();
    const sheet = wb.getWorksheet(m![1]!)!;
    const values: string[] = [];
    for (let r = Number(m![3]); r <= Number(m![5]); r++) values.push(String(sheet.getCell(`${m![2]}${r}`).value));
    return values;
  }
  const rowsOf = (sheet: ExcelJS.Worksheet, label: string) => {
    const rows: ExcelJS.Row[] = [];
    sheet.eachRow((row) => {
      if (row.getCell(2).value === label) rows.push(row);
    });
    return rows;
  };

  it('offers a drop-down for yes/no, single choices and the fiche action, and states a multiple choice’s values', async () => {
    const t = makeLiegeApp({ forms });
    const forPlan = t.apiAs('chef').plans[':planId'].forms;
    const application = (await reply(forPlan.$post({ param: { planId: t.plan.id }, json: { kind: APPLICATION } }))).body;
    const data = { activites: { activites: [{ activite: 'Atelier cuisine' }, { activite: 'Marche' }] } };
    expect((await reply(forPlan[':documentId'].$put({ param: { planId: t.plan.id, documentId: application.id }, json: { version: 0, data } }))).status).toBe(
      200,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await (await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${application.id}/export.xlsx`)).arrayBuffer());
    const sheet = wb.worksheets[0]!;
    const activites = forms.get(APPLICATION)!.sections.find((s) => s.id === 'activites')!.fields[0]!;
    const themeColumn = activites.kind === 'table' ? activites.columns.find((c) => c.id === 'theme') : undefined;
    const themeLabels = themeColumn?.kind === 'choice' ? themeColumn.options.map((o) => o.label) : [];
    expect(themeLabels).toHaveLength(5);
    const header = rowsOf(sheet, 'Activité')[0]!;
    for (const r of [1, 2]) {
      expect(dropDown(wb, sheet.getRow(header.number + r).getCell(3))).toEqual(themeLabels);
      // A text column has none.
      expect(dropDown(wb, sheet.getRow(header.number + r).getCell(4))).toBeNull();
    }
    const fiche = rowsOf(sheet, 'Fiche action du Plan de Cohésion sociale financée')[0]!;
    const ficheNames = dropDown(wb, fiche.getCell(3))!;
    expect(ficheNames).toHaveLength(t.plan.actions.length);
    expect(ficheNames[0]).toMatch(/^Fiche \d/);
    const nature = rowsOf(sheet, 'Notre association /institution bénéficie d’une :')[0]!;
    expect(dropDown(wb, nature.getCell(3))).toBeNull();
    expect(sheet.getRow(nature.number + 1).getCell(2).value).toBe(
      'Valeurs possibles, une par ligne : « Reconnaissance légale impliquant des missions dans le champ de l’action communautaire » ; « Reconnaissance accordant des moyens ( financiers et /ou humain)pour ce type de missions » ; « Aucune reconnaissance légale particulière liée au statut de l’institution ou association »',
    );

    const evaluation = (await reply(forPlan.$post({ param: { planId: t.plan.id }, json: { kind: EVALUATION } }))).body;
    const evalBook = new ExcelJS.Workbook();
    await evalBook.xlsx.load(await (await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${evaluation.id}/export.xlsx`)).arrayBuffer());
    expect(dropDown(evalBook, rowsOf(evalBook.worksheets[0]!, 'Évaluation')[0]!.getCell(3))).toEqual(['Evaluation à 6 mois', "Évaluation de fin d'année"]);

    const suivi = (await reply(forPlan.$post({ param: { planId: t.plan.id }, json: { kind: TEST_KIND } }))).body;
    const suiviBook = new ExcelJS.Workbook();
    await suiviBook.xlsx.load(await (await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${suivi.id}/export.xlsx`)).arrayBuffer());
    const suiviSheet = suiviBook.worksheets[0]!;
    expect(dropDown(suiviBook, rowsOf(suiviSheet, 'Bilan complet ?')[0]!.getCell(3))).toEqual(['Oui', 'Non']);
    expect(dropDown(suiviBook, rowsOf(suiviSheet, 'Convention signée')[1]!.getCell(3))).toEqual(['Oui', 'Non']);
    expect(dropDown(suiviBook, rowsOf(suiviSheet, 'Priorité')[0]!.getCell(3))).toEqual(['Haute', 'Basse']);
  });

  it('takes back what the drop-downs offer and refuses the rest at its cell, in French', async () => {
    const t = makeLiegeApp({ forms });
    const forPlan = t.apiAs('chef').plans[':planId'].forms;
    const doc = (await reply(forPlan.$post({ param: { planId: t.plan.id }, json: { kind: APPLICATION } }))).body;
    const documentParam = { planId: t.plan.id, documentId: doc.id };
    const data = {
      reconnaissance: { nature: ['aucune'] },
      description: { ficheAction: t.plan.actions[0]!.id },
      activites: { activites: [{ activite: 'Atelier cuisine', theme: 'contextesSociaux' }] },
    };
    expect((await reply(forPlan[':documentId'].$put({ param: documentParam, json: { version: 0, data } }))).status).toBe(200);
    const exported = new ExcelJS.Workbook();
    await exported.xlsx.load(await (await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${doc.id}/export.xlsx`)).arrayBuffer());
    const bytes = async () => new Uint8Array(await exported.xlsx.writeBuffer());
    const send = async (fields: Record<string, string> = {}) => {
      const form = new FormData();
      form.set('file', new File([await bytes()], 'demande.xlsx'));
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      const res = await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${doc.id}/import.xlsx`, { method: 'POST', body: form });
      return { status: res.status, body: await res.json() };
    };
    const sheet = exported.worksheets[0]!;
    const theme = sheet.getRow(rowsOf(sheet, 'Activité')[0]!.number + 1).getCell(3);
    const fiche = rowsOf(sheet, 'Fiche action du Plan de Cohésion sociale financée')[0]!.getCell(3);
    const nature = rowsOf(sheet, 'Notre association /institution bénéficie d’une :')[0]!.getCell(3);
    const where = (cell: ExcelJS.Cell) => `${sheet.name}!${cell.address}`;

    // Out of the lists: refused at the cell, nothing written.
    theme.value = 'N°6 - la santé inventée';
    let refused = expectApiError(await send(), 400, 'validation');
    expect(refused.issues).toEqual([
      {
        path: where(theme),
        message: expect.stringMatching(/ligne 1, Thème : « N°6 - la santé inventée » ne fait pas partie de la liste \(« N°1 - dépendance/),
      },
    ]);
    theme.value = 'N°1 - dépendance – tabac alcool drogues';
    fiche.value = 'Fiche 99.9.99 (inventée)';
    refused = expectApiError(await send(), 400, 'validation');
    expect(refused.issues).toEqual([
      { path: where(fiche), message: expect.stringMatching(/financée : « Fiche 99\.9\.99 \(inventée\) » ne fait pas partie de la liste/) },
    ]);
    fiche.value = dropDown(exported, fiche)![1]!;
    nature.value = 'Aucune reconnaissance légale particulière liée au statut de l’institution ou association\nUne reconnaissance inventée';
    refused = expectApiError(await send(), 400, 'validation');
    expect(refused.issues).toEqual([{ path: where(nature), message: expect.stringMatching(/^Valeur hors liste : « Reconnaissance légale/) }]);

    // What the lists offer: taken, as the document's own values.
    nature.value =
      'Reconnaissance légale impliquant des missions dans le champ de l’action communautaire\nAucune reconnaissance légale particulière liée au statut de l’institution ou association';
    const preview = await send();
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect((preview.body as { changes: { cell: string }[] }).changes.map((c) => c.cell)).toEqual([nature.address, fiche.address, theme.address]);
    expect((await send({ apply: 'true', fingerprint: '1' })).status).toBe(200);
    const stored = (await reply(forPlan[':documentId'].$get({ param: documentParam }))).body.data;
    expect(stored.reconnaissance!.nature).toEqual(['legale', 'aucune']);
    expect(stored.description!.ficheAction).toBe(t.plan.actions[1]!.id);
    expect((stored.activites!.activites as Record<string, unknown>[])[0]!.theme).toBe('dependance');
  });
});

describe('a form document in the plan’s history', () => {
  it('reads its values as people do: money in euros, dates the Belgian way, yes/no, lists item by item, the fiche by its name', async () => {
    const t = makeLiegeApp({ forms });
    const forPlan = t.apiAs('chef').plans[':planId'].forms;
    const doc = (await reply(forPlan.$post({ param: { planId: t.plan.id }, json: { kind: TEST_KIND, title: 'Suivi 2025' } }))).body;
    const documentParam = { planId: t.plan.id, documentId: doc.id };
    const suivis = (doc.data.partenaires!.suivis as Record<string, unknown>[]).slice(0, 1);
    suivis[0] = {
      ...suivis[0],
      convention: true,
      fiche: t.plan.actions[0]!.id,
      remarques: ['Relancer, puis signer', 'Vérifier'],
      versements: [{ date: '2025-02-01', montant: 123_456, objet: 'Première tranche' }],
    };
    const data = { general: { dateBilan: '2025-03-31', complet: false, budgetTotal: 1_000_000, priorite: 'haute' }, partenaires: { suivis } };
    expect((await reply(forPlan[':documentId'].$put({ param: documentParam, json: { version: 0, data } }))).status).toBe(200);
    const ficheName = (await reply(t.apiAs('chef').plans[':planId'].history.$get({ param: { planId: t.plan.id }, query: {} }))).body[0]!.values.find((v) =>
      v.path.endsWith('.fiche'),
    )!.newText;
    expect(ficheName).toMatch(/^Fiche \d/);
    expect(ficheName).not.toBe(t.plan.actions[0]!.id);

    const history = async () =>
      new Map(
        (await reply(t.apiAs('finance').plans[':planId'].history.$get({ param: { planId: t.plan.id }, query: {} }))).body[0]!.values.map((v) => [
          v.label.replace(/^Formulaire « Suivi 2025 » · /, ''),
          [v.oldText, v.newText],
        ]),
      );
    const saved = await history();
    const partner = `Partenaires · Partenaire 1 « ${suivis[0]!.nom as string} »`;
    expect(Object.fromEntries(saved)).toMatchObject({
      'Généralités · Date du bilan': ['vide', '31/03/2025'],
      'Généralités · Bilan complet ?': ['vide', 'Non'],
      'Généralités · Budget total': ['vide', '€ 10.000,00'],
      'Généralités · Priorité': ['vide', 'Haute'],
      [`${partner} · Convention signée`]: ['vide', 'Oui'],
      [`${partner} · Fiche action`]: ['vide', ficheName],
      [`${partner} · Remarques`]: ['vide', 'Relancer, puis signer ; Vérifier'],
      [`${partner} · Versements · ligne 1 · Date`]: ['vide', '01/02/2025'],
      [`${partner} · Versements · ligne 1 · Montant`]: ['vide', '€ 1.234,56'],
      [`${partner} · Versements · ligne 1 · Objet`]: ['vide', 'Première tranche'],
    });

    // A change reads both sides; a deleted document's values still read as money.
    data.general.budgetTotal = 1_050_050;
    expect((await reply(forPlan[':documentId'].$put({ param: documentParam, json: { version: 1, data } }))).status).toBe(200);
    expect((await history()).get('Généralités · Budget total')).toEqual(['€ 10.000,00', '€ 10.500,50']);
    expect((await reply(forPlan[':documentId'].$delete({ param: documentParam, query: { version: '2' } }))).status).toBe(204);
    const deleted = await history();
    expect(deleted.get('Généralités · Budget total')).toEqual(['€ 10.500,50', 'vide']);
    expect(deleted.get(`${partner} · Versements · ligne 1 · Montant`)).toEqual(['€ 1.234,56', 'vide']);
  });
});

describe('a form document’s workbook edited with LibreOffice Calc', () => {
  /** Row numbers (1-based) of the sheet's rows whose label (column B) is `label`. */
  async function rowsLabelled(bytes: Uint8Array, label: string): Promise<{ sheet: string; rows: number[] }> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const rows: number[] = [];
    sheet.eachRow((row) => {
      if (row.getCell(2).value === label) rows.push(row.number);
    });
    return { sheet: sheet.name, rows };
  }

  it.skipIf(!HAS_LIBREOFFICE)(
    'comes back through the preview and applies the bullet list, the choice and the table cell changed in Calc, nothing else',
    { timeout: 240_000 },
    async () => {
      const t = makeLiegeApp({ forms });
      const forPlan = t.apiAs('chef').plans[':planId'].forms;
      const importAs = async (documentId: string, bytes: Uint8Array, fields: Record<string, string> = {}) => {
        const form = new FormData();
        form.set('file', new File([bytes], 'edite.xlsx'));
        for (const [k, v] of Object.entries(fields)) form.set(k, v);
        const res = await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${documentId}/import.xlsx`, { method: 'POST', body: form });
        return { status: res.status, body: (await res.json()) as { fingerprint: string; changes: { cell: string; before: string; after: string }[] } };
      };
      const exported = async (documentId: string) =>
        new Uint8Array(await (await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${documentId}/export.xlsx`)).arrayBuffer());

      // The Waremme evaluation: a bullet list of a working group and the period, changed in Calc.
      const evaluation = (await reply(forPlan.$post({ param: { planId: t.plan.id }, json: { kind: EVALUATION, title: 'Évaluation à 6 mois' } }))).body;
      const data = structuredClone(evaluation.data);
      data.origines = { ...data.origines, periode: 'sixMois', origines: 'Le travail en coordination existe depuis 20 ans à Waremme.' };
      const groupes = data.evaluation!.groupes as Record<string, unknown>[];
      groupes[0] = {
        ...groupes[0],
        objectifs: ['Lutter contre le décrochage socio-scolaire des jeunes étudiants'],
        resultats: ['Mise en évidence des attentes et réticences des uns et des autres.', 'Ouverture de l’Espace Tremplin.'],
      };
      groupes[1] = { ...groupes[1], propositions: ['Poursuite des concertations spontanées au cas par cas.'] };
      data.conclusions = { conclusions: ['Le caractère transversal des actions visées par le pacte se confirme.'] };
      const saved = (await reply(forPlan[':documentId'].$put({ param: { planId: t.plan.id, documentId: evaluation.id }, json: { version: 0, data } }))).body;
      const bytes = await exported(evaluation.id);
      const resultats = await rowsLabelled(bytes, 'Résultats enregistrés');
      const periode = await rowsLabelled(bytes, 'Évaluation');
      const edited = await editWithLibreOffice(bytes, [
        {
          sheet: resultats.sheet,
          cell: `C${resultats.rows[0]}`,
          value:
            'Mise en évidence des attentes et réticences des uns et des autres.\nOuverture de l’Espace Tremplin (service d’accrochage scolaire).\nUne permanence commune au CPAS.',
        },
        { sheet: periode.sheet, cell: `C${periode.rows[0]}`, value: "Évaluation de fin d'année" },
      ]);
      const preview = await importAs(evaluation.id, edited);
      expect(preview.status, JSON.stringify(preview.body)).toBe(200);
      expect(preview.body.changes.map((c) => [c.cell, c.after])).toEqual([
        [`C${periode.rows[0]}`, "Évaluation de fin d'année"],
        [
          `C${resultats.rows[0]}`,
          'Mise en évidence des attentes et réticences des uns et des autres. ; Ouverture de l’Espace Tremplin (service d’accrochage scolaire). ; Une permanence commune au CPAS.',
        ],
      ]);
      expect((await importAs(evaluation.id, edited, { apply: 'true', fingerprint: preview.body.fingerprint })).status).toBe(200);
      const after = (await reply(forPlan[':documentId'].$get({ param: { planId: t.plan.id, documentId: evaluation.id } }))).body;
      const expected = structuredClone(saved.data);
      expected.origines!.periode = 'finAnnee';
      (expected.evaluation!.groupes as Record<string, unknown>[])[0]!.resultats = [
        'Mise en évidence des attentes et réticences des uns et des autres.',
        'Ouverture de l’Espace Tremplin (service d’accrochage scolaire).',
        'Une permanence commune au CPAS.',
      ];
      expect(after.data).toEqual(expected);
      expect(after.version).toBe(saved.version + 1);

      // A table cell: the application's activities, a budget and a theme changed in Calc.
      const application = (await reply(forPlan.$post({ param: { planId: t.plan.id }, json: { kind: APPLICATION } }))).body;
      const appData = {
        promoteur: { nom: 'Optim@' },
        activites: {
          activites: [
            { activite: 'Diagnostic communautaire', theme: 'contextesSociaux', debut: '2025-01-15', budget: 250_000 },
            { activite: 'Ateliers thématiques', theme: 'santePositive', budget: 120_050 },
          ],
        },
      };
      const appSaved = (
        await reply(forPlan[':documentId'].$put({ param: { planId: t.plan.id, documentId: application.id }, json: { version: 0, data: appData } }))
      ).body;
      const appBytes = await exported(application.id);
      const header = await rowsLabelled(appBytes, 'Activité');
      const line = header.rows[0]! + 2;
      const appEdited = await editWithLibreOffice(appBytes, [
        { sheet: header.sheet, cell: `H${line}`, value: 1350.75 },
        { sheet: header.sheet, cell: `C${line}`, value: 'N°1 - dépendance – tabac alcool drogues' },
      ]);
      const appPreview = await importAs(application.id, appEdited);
      expect(appPreview.status, JSON.stringify(appPreview.body)).toBe(200);
      expect(appPreview.body.changes.map((c) => [c.cell, c.before, c.after])).toEqual([
        [`C${line}`, 'N°2 - santé positive : alimentation, santé mentale, traumatisme et accidents, sexe', 'N°1 - dépendance – tabac alcool drogues'],
        [`H${line}`, '€ 1.200,50', '€ 1.350,75'],
      ]);
      expect((await importAs(application.id, appEdited, { apply: 'true', fingerprint: appPreview.body.fingerprint })).status).toBe(200);
      const appAfter = (await reply(forPlan[':documentId'].$get({ param: { planId: t.plan.id, documentId: application.id } }))).body;
      const appExpected = structuredClone(appSaved.data);
      Object.assign((appExpected.activites!.activites as Record<string, unknown>[])[1]!, { theme: 'dependance', budget: 135_075 });
      expect(appAfter.data).toEqual(appExpected);
    },
  );
});
