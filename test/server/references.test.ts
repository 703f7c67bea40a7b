import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../schemas/checks.ts';
import type { Plan } from '../../schemas/plan.ts';
import { CATALOGUE, PCS_2020_2025, makePlan } from '../schemas/fixtures.ts';
import { clientOf, expectApiError, failure, getPlan, makeLiegeApp, makeTestApp, postAction, postPlan, reply, sendRaw } from '../helpers.ts';

/**
 * Rows other rows point at are never deleted silently: a transfer funding fiches, an action named on partner cards,
 * a row a justification or a DiCS question is about. The deletion answers 409 `in_use` with the list; `detacher=1`
 * detaches what can be detached (audited per fiche or card) and deletes; a DiCS question always keeps its value.
 */

async function planWithTransfer() {
  const t = makeTestApp();
  const { app, api } = t;
  const plan = await postPlan(app);
  const url = `/api/plans/${plan.id}`;
  const transfer = (await reply(api.plans[':planId'].transfers.$post({ param: { planId: plan.id }, json: { data: { partenaire: 'CPAS', montant: 100_000 } } })))
    .body;
  const sada = await postAction(app, plan.id, { code: '1.3.03', operateur: { organisme: 'CPAS - SADA', transferId: transfer.id } });
  const abri = await postAction(app, plan.id, { code: '2.4.01', operateur: { organisme: 'CPAS - Abri de nuit', transferId: transfer.id } });
  const other = await postAction(app, plan.id, { code: '1.1.05', operateur: { organisme: 'CALIF' } });
  return { ...t, plan, url, transfer, sada, abri, other };
}

describe('DELETE /api/plans/:planId/transfers/:transferId of a transfer that fiches use', () => {
  it('answers 409 in_use naming the fiches by code and operator, and changes nothing', async () => {
    const { app, api, plan, transfer, sada, abri } = await planWithTransfer();
    const res = await failure(
      api.plans[':planId'].transfers[':transferId'].$delete({ param: { planId: plan.id, transferId: transfer.id }, query: { version: '1' } }),
    );
    expectApiError(res, 409, 'in_use', `actions.${sada.id}.fiche.operateur.transferId`);
    expect(res.body.message).toBe("Le transfert « CPAS » est l'opérateur des fiches 1.3.03 (CPAS - SADA), 2.4.01 (CPAS - Abri de nuit) : détachez-les d'abord");
    expect(res.body.issues.map((i) => i.path)).toEqual([`actions.${sada.id}.fiche.operateur.transferId`, `actions.${abri.id}.fiche.operateur.transferId`]);
    expect(res.body.current).toMatchObject({ detachable: true, detachLabel: 'Détacher de ces fiches et supprimer' });
    const after = await getPlan(app, plan.id);
    expect(after.transferts.map((t) => t.id)).toEqual([transfer.id]);
    expect(after.actions.map((a) => a.fiche.operateur.transferId)).toEqual([transfer.id, transfer.id, null]);
  });

  it('with detacher=1 detaches the fiches (each audited, operator name kept, new version), then deletes', async () => {
    const { app, api, plan, transfer, sada, abri, other } = await planWithTransfer();
    const param = { planId: plan.id, transferId: transfer.id };
    expect((await reply(api.plans[':planId'].transfers[':transferId'].$delete({ param, query: { version: '1', detacher: '1' } }))).status).toBe(204);
    const after = await getPlan(app, plan.id);
    expect(after.transferts).toEqual([]);
    expect(after.actions.map((a) => [a.fiche.operateur.organisme, a.fiche.operateur.transferId, a.version])).toEqual([
      ['CPAS - SADA', null, 2],
      ['CPAS - Abri de nuit', null, 2],
      ['CALIF', null, 1],
    ]);
    const [entry] = (await reply(api.plans[':planId'].history.$get({ param: { planId: plan.id }, query: {} }))).body;
    const paths = entry!.values.map((v) => v.path);
    expect(paths).toContain(`actions.${sada.id}.fiche.operateur.transferId`);
    expect(paths).toContain(`actions.${abri.id}.fiche.operateur.transferId`);
    expect(paths.some((p) => p.startsWith(`actions.${other.id}`))).toBe(false);
    expect(entry!.values.find((v) => v.path === `actions.${sada.id}.fiche.operateur.transferId`)).toMatchObject({ old: transfer.id, new: null });
  });

  it('refuses an unknown detacher value in French', async () => {
    const { app, url, transfer } = await planWithTransfer();
    // A detacher value outside 0 and 1: a query the typed client refuses to send.
    const res = await sendRaw(app, 'DELETE', `${url}/transfers/${transfer.id}?version=1&detacher=oui`);
    const error = expectApiError(res, 400, 'validation', 'detacher');
    expect(error.message).toContain('« detacher » vaut 1');
  });

  it("keeps the Liège partner operator's rights until someone chooses to detach", async () => {
    const t = makeLiegeApp();
    const planId = t.plan.id;
    const thermos = t.plan.transferts.find((x) => x.partenaire === 'Opération Thermos')!;
    const fiche = t.plan.actions.find((a) => a.fiche.operateur.transferId === thermos.id)!;
    const res = await failure(
      t
        .apiAs('chef')
        .plans[':planId'].transfers[':transferId'].$delete({ param: { planId, transferId: thermos.id }, query: { version: String(thermos.version) } }),
    );
    expectApiError(res, 409, 'in_use');
    expect(res.body.message).toBe("Le transfert « Opération Thermos » est l'opérateur de la fiche 2.4.01 (Asbl Opération Thermos) : détachez-la d'abord");
    // The partner still writes the actuals of the fiche it operates through that transfer.
    const indicator = fiche.indicators[0]!;
    const cell = { grid: 'indicator-actual', row: indicator.id, period: '2021', value: 7, version: 0 } as const;
    expect((await reply(t.apiAs('partenaire').plans[':planId'].cells.$put({ param: { planId }, json: { cells: [cell] } }))).status).toBe(200);
  });
});

describe('DELETE of an action named on partner cards', () => {
  it('answers 409 in_use naming the cards; detacher=1 removes it from the cards (audited) and deletes', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const kept = await postAction(app, plan.id, { code: '1.1.05' });
    const gone = await postAction(app, plan.id, { code: '1.3.03', operateur: { organisme: 'CPAS' } });
    const card = (
      await reply(
        api.plans[':planId'].lists[':collection'].$post({
          param: { planId: plan.id, collection: 'partenaires' },
          json: { data: { liste: 'portent', nom: 'CPAS de Namur', actionIds: [gone.id, kept.id] } },
        }),
      )
    ).body;
    const deleteGone = (query: { version: string; detacher?: '1' }) =>
      api.plans[':planId'].actions[':actionId'].$delete({ param: { planId: plan.id, actionId: gone.id }, query });
    const refused = await failure(deleteGone({ version: '1' }));
    expectApiError(refused, 409, 'in_use', `partenaires.${card.id}.actionIds`);
    expect(refused.body.message).toBe("La fiche 1.3.03 (CPAS) figure sur la fiche partenaire « CPAS de Namur » : détachez-la d'abord");
    expect(refused.body.current).toMatchObject({ detachLabel: 'Retirer des fiches partenaire et supprimer' });
    expect((await getPlan(app, plan.id)).actions).toHaveLength(2);

    expect((await reply(deleteGone({ version: '1', detacher: '1' }))).status).toBe(204);
    const after = await getPlan(app, plan.id);
    expect(after.actions.map((a) => a.id)).toEqual([kept.id]);
    expect(after.partenaires).toEqual([{ ...card, actionIds: [kept.id], version: 2 }]);
    const [entry] = (await reply(api.plans[':planId'].history.$get({ param: { planId: plan.id }, query: {} }))).body;
    expect(entry!.values.some((v) => v.path === `partenaires.${card.id}.actionIds`)).toBe(true);
  });
});

describe('rows a DiCS question is about', () => {
  async function liegeWithQuestion(chemin: (plan: Plan) => string) {
    const t = makeLiegeApp();
    const opened = await reply(
      t
        .apiAs('dics')
        .plans[':planId'].threads.$post({ param: { planId: t.plan.id }, json: { annee: 2021, chemin: chemin(t.plan), texte: 'Pouvez-vous préciser ?' } }),
    );
    expect(opened.status).toBe(201);
    const chef = t.as('chef');
    return { ...t, chef, chefApi: clientOf(chef), thread: opened.body };
  }

  it('keeps an indicator and its action, even with detacher=1 (409 in_use naming the question)', async () => {
    const { plan, chef, chefApi, thread } = await liegeWithQuestion(
      (p) => `actions.${p.actions[0]!.id}.indicators.${p.actions[0]!.indicators[0]!.id}.values.2021.target`,
    );
    const action = plan.actions[0]!;
    const indicator = action.indicators[0]!;
    const version = String(indicator.version);
    for (const query of [{ version }, { version, detacher: '1' as const }]) {
      const res = await failure(chefApi.plans[':planId'].indicators[':indicatorId'].$delete({ param: { planId: plan.id, indicatorId: indicator.id }, query }));
      expectApiError(res, 409, 'in_use', thread.chemin);
      expect(res.body.message).toBe(
        `L'indicateur 1 « ${indicator.label} » de la fiche 1.1.05 (CALIF) fait l'objet d'une question de la DiCS sur « ${thread.libelle} » (2021) : une question de la DiCS doit toujours désigner sa valeur, il ne peut pas être supprimé`,
      );
      expect(res.body.current).toMatchObject({ detachable: false });
    }
    expectApiError(
      await failure(
        chefApi.plans[':planId'].actions[':actionId'].$delete({
          param: { planId: plan.id, actionId: action.id },
          query: { version: String(action.version), detacher: '1' },
        }),
      ),
      409,
      'in_use',
      thread.chemin,
    );
    const after = await getPlan(chef, plan.id);
    expect(after.actions[0]!.indicators[0]!.id).toBe(indicator.id);
  });

  it('keeps a team member whose ETP is questioned', async () => {
    const { plan, chef, chefApi } = await liegeWithQuestion((p) => `equipeMembres.${p.equipeMembres[0]!.id}.etp`);
    const member = plan.equipeMembres[0]!;
    const res = await failure(
      chefApi.plans[':planId'].lists[':collection'][':rowId'].$delete({
        param: { planId: plan.id, collection: 'equipeMembres', rowId: member.id },
        query: { version: String(member.version) },
      }),
    );
    expectApiError(res, 409, 'in_use');
    expect(res.body.message).toMatch(new RegExp(`^Le membre de l'équipe « ${member.nomPrenom} » fait l'objet d'une question de la DiCS`));
    expect((await getPlan(chef, plan.id)).equipeMembres).toHaveLength(plan.equipeMembres.length);
  });
  it('keeps an E-compte imputation whose amount is questioned, by its own deletion or by an import replacing its year', async () => {
    const t = makeLiegeApp();
    const param = { planId: t.plan.id };
    const chef = t.as('chef');
    const chefApi = clientOf(chef);
    const line = (
      await reply(
        chefApi.plans[':planId']['imputations'].$post({
          param,
          json: { data: { annee: 2021, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: 'Subside SPW', montant: 100_00 } },
        }),
      )
    ).body;
    const chemin = `imputations.2021.${line.id}.montant`;
    expect((await reply(t.apiAs('dics').plans[':planId'].threads.$post({ param, json: { annee: 2021, chemin, texte: 'Montant ?' } }))).status).toBe(201);
    const res = await failure(chefApi.plans[':planId']['imputations'][':lineId'].$delete({ param: { ...param, lineId: line.id }, query: { version: '1' } }));
    expectApiError(res, 409, 'in_use', chemin);
    expect(res.body.message).toMatch(/^L'imputation E-compte 2021 « Subside SPW » fait l'objet d'une question de la DiCS/);

    const csv = 'Année;Code fonctionnel;Article économique;Libellé;Montant\n2021;84010;465-48;Autre;12,00\n';
    const upload = (fields: { apply?: 'true'; fingerprint?: string }) =>
      chefApi.plans[':planId']['imputations'].import.$post({
        param,
        form: { file: new File([new TextEncoder().encode(csv)], 'imputations.csv'), ...fields },
      });
    const preview = await reply(upload({}));
    expect(preview.status).toBe(200);
    const applied = await failure(upload({ apply: 'true', fingerprint: preview.body.fingerprint }));
    expectApiError(applied, 409, 'in_use', chemin);
    expect((await getPlan(chef, t.plan.id)).imputations.map((l) => l.id)).toEqual([line.id]);
  });
});

describe('rows a justification names', () => {
  it('lists the justification (409 in_use); detacher=1 removes it with the indicator', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const planId = plan.id;
    const action = await postAction(app, planId, { code: '1.3.03' });
    const indicator = action.indicators[0]!;
    const indicatorParam = { planId, indicatorId: indicator.id };
    // A typed ex-ante that differs from the targets: a warning on this indicator, justified.
    const put = await reply(
      api.plans[':planId'].indicators[':indicatorId'].$put({
        param: indicatorParam,
        json: { version: 1, data: { category: indicator.category, label: indicator.label, unit: indicator.unit, exAnte: 12 } },
      }),
    );
    expect(put.status).toBe(200);
    await reply(
      api.plans[':planId'].cells.$put({
        param: { planId },
        json: { cells: [{ grid: 'indicator-target', row: indicator.id, period: '2020', value: 3, version: 0 }] },
      }),
    );
    const finding = (await reply(api.plans[':planId'].checks.$get({ param: { planId } }))).body.find((f) => f.key.includes(`#${indicator.id}`));
    expect(finding).toBeDefined();
    expect(
      (
        await reply(
          api.plans[':planId'].justifications.$put({
            param: { planId },
            json: { version: 0, data: { cle: finding!.key, texte: 'Chiffre du formulaire papier', auteur: 'x' } },
          }),
        )
      ).status,
    ).toBe(200);

    const res = await failure(api.plans[':planId'].indicators[':indicatorId'].$delete({ param: indicatorParam, query: { version: '2' } }));
    expectApiError(res, 409, 'in_use');
    expect(res.body.message).toMatch(/est visé\(e\) par une justification de constat \(« Chiffre du formulaire papier »/);
    expect(
      (await reply(api.plans[':planId'].indicators[':indicatorId'].$delete({ param: indicatorParam, query: { version: '2', detacher: '1' } }))).status,
    ).toBe(204);
    const after = await getPlan(app, plan.id);
    expect(after.justifications).toEqual([]);
    expect(after.actions[0]!.indicators.map((i) => i.id)).not.toContain(indicator.id);
  });
});

describe('checkPlan: a fiche whose operator points at no transfer', () => {
  it('is an error on the operator link (data older than the rule)', () => {
    const plan = makePlan({ actions: [{ id: 'a1', code: '1.3.03', fiche: { operateur: { organisme: 'CPAS', transferId: 'disparu' } } }] });
    const finding = checkPlan(plan, PCS_2020_2025, CATALOGUE).find((f) => f.rule === 'operateur-transfert-inconnu');
    expect(finding).toMatchObject({
      level: 'error',
      path: 'actions.0.fiche.operateur.transferId',
      message: "Fiche 1.3.03 (CPAS) : l'opérateur est lié à un transfert qui n'existe plus (« disparu ») : choisissez son transfert ou aucun",
    });
  });
});
