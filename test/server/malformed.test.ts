import { describe, expect, it } from 'vitest';
import { ApiErrorSchema } from '../../schemas/errors.ts';
import { clientOf, expectApiError, failure, getPlan, makeTestApp, postAction, postPlan, reply, sendRaw, type TestApp } from '../helpers.ts';

/** A small plan with one row of each kind, so every route has something to (not) change. */
async function fixture(app: TestApp) {
  const api = clientOf(app);
  const plan = await postPlan(app);
  const other = await postPlan(app, 'Arlon');
  const transfer = (
    await reply(api.plans[':planId'].transfers.$post({ param: { planId: plan.id }, json: { data: { partenaire: 'CPAS de Namur', montant: 100_000 } } }))
  ).body;
  const foreignTransfer = (await reply(api.plans[':planId'].transfers.$post({ param: { planId: other.id }, json: { data: { partenaire: 'CPAS d’Arlon' } } })))
    .body;
  const action = await postAction(app, plan.id, { code: '1.3.03', operateur: { organisme: 'CPAS de Namur', transferId: transfer.id } });
  const card = (
    await reply(
      api.plans[':planId'].lists[':collection'].$post({
        param: { planId: plan.id, collection: 'partenaires' },
        json: { data: { liste: 'portent', nom: 'CPAS', actionIds: [action.id] } },
      }),
    )
  ).body;
  const percent = action.indicators.find((i) => i.standard === 'temps-consacre')!;
  return { plan, action, transfer, foreignTransfer, card, count: action.indicators[0]!, percent };
}
type Fixture = Awaited<ReturnType<typeof fixture>>;
type Case = [string, (f: Fixture) => [method: string, url: string, body: unknown], path: string];

const LONG = 'x'.repeat(100_000);
const section =
  (name: string, data: unknown): Case[1] =>
  (f) => ['PUT', `/api/plans/${f.plan.id}/sections/${name}`, { version: 1, data }];
const budget = (amount: unknown) => section('budget', { depenses: { personnel: amount } });
const actionEdit =
  (fields: Record<string, unknown>, fiche: Record<string, unknown> = {}): Case[1] =>
  (f) => [
    'PUT',
    `/api/plans/${f.plan.id}/actions/${f.action.id}`,
    { version: 1, data: { code: '1.3.03', ...fields, fiche: { operateur: { organisme: 'CPAS de Namur', transferId: f.transfer.id }, ...fiche } } },
  ];
const cell =
  (pick: (f: Fixture) => string, period: string, value: unknown, grid = 'indicator-target'): Case[1] =>
  (f) => ['PUT', `/api/plans/${f.plan.id}/cells`, { cells: [{ grid, row: pick(f), period, value, version: 0 }] }];
const money = (f: Fixture) => f.action.indicators.find((i) => i.standard === 'montant-convention')!.id;

const CASES: Case[] = [
  // wrong types
  ['a number where text is expected', section('textes', { portrait: 12 }), 'textes.portrait'],
  ['a text where a boolean is expected', section('serviceCitoyen', { recours: 'oui' }), 'serviceCitoyen.recours'],
  ['an object where a list is expected', section('porteur', { communesAssociees: { a: 1 } }), 'porteur.communesAssociees'],
  ['a version given as text', (f) => ['PUT', `/api/plans/${f.plan.id}/sections/textes`, { version: '1', data: {} }], 'version'],
  ['a boolean as a cell value', cell((f) => f.count.id, '2021', true), 'cells.0.value'],
  ['a number as an action code', actionEdit({ code: 1303 }), 'code'],
  // unknown fields
  ['an unknown field in a section', section('identite', { fax: '081' }), 'identite'],
  ['an unknown field in a fiche', actionEdit({}, { budget: 1 }), 'fiche'],
  [
    'an unknown field in a list row',
    (f) => ['PUT', `/api/plans/${f.plan.id}/lists/partenaires/${f.card.id}`, { version: 1, data: { liste: 'portent', nom: 'CPAS', tva: 'BE0' } }],
    'partenaires',
  ],
  [
    'an unknown field in a cell',
    (f) => ['PUT', `/api/plans/${f.plan.id}/cells`, { cells: [{ grid: 'time', row: 'terrain', period: '2021', value: 1, version: 0, unit: '%' }] }],
    'cells.0',
  ],
  ['an unknown field next to data', (f) => ['POST', `/api/plans/${f.plan.id}/transfers`, { data: { partenaire: 'A' }, id: 'x' }], ''],
  // 100 000-character strings
  ['a 100 000-character long text', section('textes', { vision: LONG }), 'textes.vision'],
  ['a 100 000-character short text', section('identite', { directeurFinancier: LONG }), 'identite.directeurFinancier'],
  ['a 100 000-character fiche description', actionEdit({}, { description: LONG }), 'fiche.description'],
  [
    'a 100 000-character partner name',
    (f) => ['PUT', `/api/plans/${f.plan.id}/transfers/${f.transfer.id}`, { version: 1, data: { partenaire: LONG } }],
    'transferts.partenaire',
  ],
  ['a 100 000-character cell value', cell((f) => f.count.id, '2021', LONG), 'cells.0.value'],
  // amounts
  ['a negative amount -1', budget(-1), 'budget.depenses.personnel'],
  ['a negative amount "-1,00"', budget('-1,00'), 'budget.depenses.personnel'],
  ['the amount "1,234.56" (not Belgian)', budget('1,234.56'), 'budget.depenses.personnel'],
  ['the amount "1.5" (decimal point)', budget('1.5'), 'budget.depenses.personnel'],
  ['an amount with a fraction of a cent', budget(1.5), 'budget.depenses.personnel'],
  [
    'a negative transfer',
    (f) => ['PUT', `/api/plans/${f.plan.id}/transfers/${f.transfer.id}`, { version: 1, data: { partenaire: 'A', montant: '-1,00' } }],
    'transferts.montant',
  ],
  ['a negative money cell', cell(money, '2021', -1), 'cells.0.value'],
  ['a money cell "-1,00"', cell(money, '2021', '-1,00'), 'cells.0.value'],
  ['a money cell "1,234.56"', cell(money, '2021', '1,234.56'), 'cells.0.value'],
  ['a money cell "1.5"', cell(money, '2021', '1.5'), 'cells.0.value'],
  ['a negative consumption', cell(() => 'e-compte', '2021', '-1,00', 'consumption'), 'cells.0.value'],
  // closed lists
  ['a province outside the list', section('identite', { province: 'Bruxelles' }), 'identite.province'],
  ['a communication mode outside the list', section('communication', { externe: ['Pigeon voyageur'] }), 'communication.externe.0'],
  ['an action status outside the list', actionEdit({ statut: 'Terminée' }), 'statut'],
  [
    'a public value outside its dimension',
    actionEdit({}, { publics: [{ id: 'p1', dimension: "Tranche d'âge", valeur: 'Seniors' }] }),
    'fiche.publics.0.valeur',
  ],
  [
    'a partner list outside the list',
    (f) => ['POST', `/api/plans/${f.plan.id}/lists/partenaires`, { data: { liste: 'autres', nom: 'X' } }],
    'partenaires.liste',
  ],
  // percent indicator cells
  ['a percent over 100 %', cell((f) => f.percent.id, '2021', 100_01), 'cells.0.value'],
  ['a percent typed "101 %"', cell((f) => f.percent.id, '2021', '101 %'), 'cells.0.value'],
  ['a time share over 100 %', cell(() => 'terrain', 'ex-ante', 100_01, 'time'), 'cells.0.value'],
  // years outside the programme
  ['a target in 2019', cell((f) => f.count.id, '2019', 1), 'cells.0.value'],
  ['an actual in 2027', cell((f) => f.count.id, '2027', 1, 'indicator-actual'), 'cells.0.value'],
  ['commission dates in 2027', section('commissions', { dates: { '2027': ['2027-02-01'] } }), 'commissions.dates.2027'],
  // references
  [
    'a partner card naming an unknown action',
    (f) => [
      'PUT',
      `/api/plans/${f.plan.id}/lists/partenaires/${f.card.id}`,
      { version: 1, data: { liste: 'portent', nom: 'CPAS', actionIds: [f.action.id, 'inconnue'] } },
    ],
    'partenaires.0.actionIds.1',
  ],
  [
    'a new partner card naming an unknown action',
    (f) => ['POST', `/api/plans/${f.plan.id}/lists/partenaires`, { data: { liste: 'portent', nom: 'X', actionIds: ['inconnue'] } }],
    'partenaires.1.actionIds.0',
  ],
  [
    "an operator funded by another plan's transfer",
    (f) => actionEdit({}, { operateur: { transferId: f.foreignTransfer.id } })(f),
    'fiche.operateur.transferId',
  ],
];

describe('malformed input', () => {
  it.each(CASES)('%s is answered 400 at its field path, and nothing is written', async (_, request, path) => {
    const { app } = makeTestApp();
    const f = await fixture(app);
    const before = await getPlan(app, f.plan.id);
    const [method, url, body] = request(f);
    // Wrong types, unknown fields, values out of bounds: most of these bodies the typed client refuses to send.
    const res = await sendRaw(app, method, url, body);
    const error = expectApiError(res, 400, 'validation', path);
    expect(error.message).toMatch(/^(Données invalides|Modification refusée|Fiche|Répartition|Consommation|Le transfert)/);
    expect(await getPlan(app, f.plan.id)).toEqual(before);
  });

  it.each([
    ['2019', 'indicator-target'],
    ['2027', 'indicator-actual'],
  ] as const)('a cell in %s names the programme years (2020-2026 since the extension) in its message', async (year, grid) => {
    const { app, api } = makeTestApp();
    const f = await fixture(app);
    const res = await failure(
      api.plans[':planId'].cells.$put({ param: { planId: f.plan.id }, json: { cells: [{ grid, row: f.count.id, period: year, value: 1, version: 0 }] } }),
    );
    expect(res.body.issues[0]!.message).toContain(`L'année ${year} n'appartient pas au programme (2020-2026)`);
  });

  it('a block of cells with one invalid cell writes none of them and reports only the invalid one', async () => {
    const { app, api } = makeTestApp();
    const f = await fixture(app);
    const before = await getPlan(app, f.plan.id);
    const res = await failure(
      api.plans[':planId'].cells.$put({
        param: { planId: f.plan.id },
        json: {
          cells: [
            { grid: 'indicator-target', row: f.count.id, period: '2021', value: 10, version: 0 },
            { grid: 'time', row: 'terrain', period: '2021', value: '50 %', version: 0 },
            { grid: 'indicator-target', row: f.percent.id, period: '2022', value: 120_00, version: 0 },
            { grid: 'consumption', row: 'e-compte', period: '2021', value: '1.000,00', version: 0 },
          ],
        },
      }),
    );
    expectApiError(res, 400, 'validation');
    expect(res.body.issues).toEqual([
      {
        path: 'cells.2.value',
        message: 'Fiche 1.3.03 · indicateur 5 « Sur le total des actions, % de temps consacré à cette action (% annuel) » · Cible 2022 : Valeur trop grande',
      },
    ]);
    expect(await getPlan(app, f.plan.id)).toEqual(before);
  });

  it.each([
    ['POST', '/api/plans'],
    ['PUT', '/sections/textes'],
    ['PUT', '/cells'],
    ['POST', '/actions'],
    ['POST', '/lists/formations'],
  ])('an invalid JSON body on %s %s is answered 400 in French, and nothing is written', async (method, tail) => {
    const { app } = makeTestApp();
    const f = await fixture(app);
    const before = await getPlan(app, f.plan.id);
    const url = tail.startsWith('/api') ? tail : `/api/plans/${f.plan.id}${tail}`;
    // A body that is not JSON: the typed client only sends JSON it serialised itself.
    const res = await sendRaw(app, method, url, '{"version": 1, "data": {');
    expect(res).toEqual({ status: 400, body: { code: 'validation', message: 'Requête invalide : le corps doit être du JSON valide', issues: [] } });
    expect(await getPlan(app, f.plan.id)).toEqual(before);
  });
});

// ——— Every route, every malformed body ——————————————————————————————————————————————————————————————————————————

/** English words a French message never contains (what a library's raw message would). */
const ENGLISH = /\b(expected|invalid|received|required|malformed|request|body|must|missing|unknown|string|number|array|instance|undefined|optional)\b/i;

type SweptRoute = { method: string; path: string };

function sweptRoutes(): SweptRoute[] {
  const seen = new Map<string, SweptRoute>();
  for (const r of makeTestApp().anonymous.routes) {
    if (r.method === 'ALL' || !r.path.startsWith('/api/')) continue;
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  }
  return [...seen.values()];
}

function urlOf(path: string, plan: Awaited<ReturnType<typeof getPlan>>): string {
  const action = plan.actions.find((a) => a.indicators.length);
  const fake = '00000000-0000-4000-8000-000000000000';
  const ids: Record<string, string> = {
    planId: plan.id,
    actionId: action?.id ?? fake,
    indicatorId: action?.indicators[0]?.id ?? fake,
    transferId: plan.transferts[0]?.id ?? fake,
    collection: 'formations',
    rowId: '00000000-0000-4000-8000-000000000001',
    lineId: '00000000-0000-4000-8000-000000000002',
    jobId: '00000000-0000-4000-8000-000000000003',
    submissionId: '00000000-0000-4000-8000-000000000004',
    threadId: '00000000-0000-4000-8000-000000000005',
    section: 'textes',
    year: '2021',
    annee: '2021',
    kind: 'actual',
    programmeId: 'pcs-2027',
    code: '1.3.03',
  };
  return path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string, pattern: string | undefined) => (pattern ? pattern.slice(1, -1) : (ids[name] ?? name)));
}

const UPLOADS = /\/(import\.xlsx|imputations\/import)$/;
/** Routes that read no body: whatever is sent, they do their work. */
const NO_BODY = new Set(['POST /api/auth/logout']);

/** A malformed request: what is sent, and what the answer must say of it. */
type Malformed = { name: string; init: RequestInit; says: RegExp; namesField?: boolean };

const JSON_CASES: Malformed[] = [
  { name: 'a body that is not JSON', init: { headers: { 'content-type': 'application/json' }, body: '{"version": 1, "data": {' }, says: /JSON valide/ },
  { name: 'an empty JSON body', init: { headers: { 'content-type': 'application/json' }, body: '' }, says: /vide/ },
  {
    name: 'JSON sent as text/plain',
    init: { headers: { 'content-type': 'text/plain' }, body: '{"version": 1}' },
    says: /Content-Type: application\/json.*« text\/plain »/,
  },
  {
    name: 'a form sent to a JSON route',
    init: {
      body: (() => {
        const f = new FormData();
        f.set('version', '1');
        return f;
      })(),
    },
    says: /JSON.*multipart\/form-data/,
  },
  {
    name: 'JSON of the wrong shape',
    init: { headers: { 'content-type': 'application/json' }, body: '{"champInconnu": 1, "version": "x"}' },
    says: /./,
    namesField: true,
  },
  { name: 'a JSON list instead of an object', init: { headers: { 'content-type': 'application/json' }, body: '[1, 2]' }, says: /./ },
];

const UPLOAD_CASES: Malformed[] = [
  {
    name: 'a malformed multipart body',
    init: { headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, body: '--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc' },
    says: /formulaire envoyé \(multipart\/form-data\) est mal formé/,
  },
  {
    name: 'JSON instead of a form',
    init: { headers: { 'content-type': 'application/json' }, body: '{"file": "x"}' },
    says: /multipart\/form-data.*« application\/json »/,
  },
  { name: 'a form without its file', init: { body: new FormData() }, says: /file/, namesField: true },
  { name: 'text instead of a form', init: { headers: { 'content-type': 'text/plain' }, body: 'abc' }, says: /multipart\/form-data.*« text\/plain »/ },
];

describe('every route answers a malformed request in French, naming the field and what was sent', () => {
  const routes = sweptRoutes();

  it('knows the API', () => {
    expect(routes.length).toBeGreaterThan(35);
  });

  for (const route of routes.filter((r) => r.method === 'POST' || r.method === 'PUT')) {
    const key = `${route.method} ${route.path}`;
    const cases = UPLOADS.test(route.path) ? UPLOAD_CASES : JSON_CASES;
    it(`${key}`, async () => {
      const { app, api } = makeTestApp();
      const plan = await postPlan(app);
      await reply(api.plans[':planId'].transfers.$post({ param: { planId: plan.id }, json: { data: { partenaire: 'CPAS' } } }));
      await postAction(app, plan.id, { code: '1.3.03' });
      const url = urlOf(route.path, await getPlan(app, plan.id));
      for (const c of cases) {
        // Bad JSON, wrong content types, broken forms, sent to every route by its pattern: only raw requests can.
        const res = await app.request(url, {
          ...c.init,
          method: route.method,
          headers: { origin: 'http://localhost', ...(c.init.headers as Record<string, string>) },
        });
        const where = `${key} with ${c.name}`;
        if (NO_BODY.has(key)) {
          expect(res.status, where).toBeLessThan(300);
          continue;
        }
        expect(res.status, where).toBeGreaterThanOrEqual(400);
        const body = (await res.json()) as { code: string; message: string; issues: { path: string; message: string }[] };
        expect(ApiErrorSchema.safeParse(body).success, where).toBe(true);
        const text = [body.message, ...body.issues.map((i) => i.message)].join(' | ');
        expect(text, where).not.toMatch(ENGLISH);
        if (res.status !== 400) continue;
        expect(body.message, where).toMatch(c.says);
        if (UPLOADS.test(route.path)) expect(body.message, where).not.toMatch(/JSON valide/);
        if (c.namesField) {
          expect(body.issues.length, where).toBeGreaterThan(0);
          const named = body.issues.some((i) => i.path !== '' && body.message.includes(i.path)) || body.message.includes('champInconnu');
          expect(named, `${where}: ${body.message}`).toBe(true);
        }
      }
    });
  }

  it.each(routes.filter((r) => r.method === 'GET' || r.method === 'DELETE').map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s with a malformed query',
    async (key, route) => {
      const { app } = makeTestApp();
      const plan = await postPlan(app);
      const url = `${urlOf(route.path, plan)}?annee=deux-mille&version=abc&limite=-1`;
      // Mistyped and unknown query parameters on every route by its pattern: only a raw request can send them.
      const res = await app.request(url, { method: route.method, headers: { origin: 'http://localhost' } });
      if (res.status < 400) return;
      const body = (await res.json()) as { message: string; issues: { path: string; message: string }[] };
      const text = [body.message, ...body.issues.map((i) => i.message)].join(' | ');
      expect(text, key).not.toMatch(ENGLISH);
    },
  );

  it('says what is missing when a submission is returned without a reason', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    // A return with neither a motif nor a demande de correction.
    const res = await sendRaw(app, 'POST', `/api/plans/${plan.id}/submissions/00000000-0000-4000-8000-000000000004/return`, {});
    expect(res.body).toEqual({
      code: 'validation',
      message: 'Données invalides (motif) : Indiquez le motif ou au moins une demande de correction',
      issues: [{ path: 'motif', message: 'Indiquez le motif ou au moins une demande de correction' }],
    });
  });
});
