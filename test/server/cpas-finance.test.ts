import { describe, expect, it } from 'vitest';
import { expectApiError, failure, makeTestApp, reply, type Api } from '../helpers.ts';
import { art20FunctionOf, classifyImputation, imputationRuleText } from '../../schemas/finance.ts';
import type { Organisation } from '../../schemas/porteur.ts';
import type { CreateOrganisationBody } from '../../schemas/requests/organisations.ts';
import type { Plan } from '../../schemas/plan.ts';
import type { YearReconciliation } from '../../schemas/finance.ts';

/** A plan delegated to the CPAS books art. 20 on function 80111 of the CPAS's accounts, not on 84011. */

async function planOf(api: Api, body: CreateOrganisationBody): Promise<Plan> {
  const o = (await reply(api.organisations.$post({ json: body }))).body as Organisation;
  return (await reply(api.organisations[':organisationId'].plans.$post({ param: { organisationId: o.id }, json: { programmeId: 'pcs-2020-2025' } })))
    .body as Plan;
}

const csv = (year: number, code: string) =>
  new TextEncoder().encode(
    `Année;Code fonctionnel;Article économique;Libellé;Montant;Nature\n${year};84010;465-48;Subvention;1000,00;\n${year};${code};435-01;Art.20;200,00;\n`,
  );

describe('art. 20 of a CPAS-delegated plan', () => {
  it('is function 80111 for a CPAS, 84011 for a commune or an association, and is classified art.20 on both', () => {
    expect(art20FunctionOf('cpas')).toBe('80111');
    expect(art20FunctionOf('commune')).toBe('84011');
    expect(art20FunctionOf('association')).toBe('84011');
    expect(classifyImputation({ codeFonctionnel: '80111', articleEconomique: '435-01' })).toBe('art20');
    expect(imputationRuleText('cpas')).toContain('fonction 80111 = subsides aux associations (art.20)');
  });

  it('books a line on 80111 as art.20 of the reconciliation and refuses 84011 with a message on the function', async () => {
    const t = makeTestApp();
    const plan = await planOf(t.api, { nature: 'cpas', nom: 'CPAS de Ciney', commune: 'Ciney' });
    const year = 2021;
    const param = { planId: plan.id };
    const ok = await reply(
      t.api.plans[':planId'].imputations.$post({
        param,
        json: { data: { annee: year, codeFonctionnel: '80111', articleEconomique: '435-01', montant: 20_000 } },
      }),
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const rec = (await reply(t.api.plans[':planId'].reconciliation.$get({ param, query: { annee: String(year) } }))).body as YearReconciliation;
    expect(rec.lines.find((l) => l.id === 'art20')).toMatchObject({ booked: 20_000 });
    const refused = await failure(
      t.api.plans[':planId'].imputations.$post({ param, json: { data: { annee: year, codeFonctionnel: '84011', articleEconomique: '435-01', montant: 1 } } }),
    );
    expect(expectApiError(refused, 400, 'validation', 'codeFonctionnel').message).toBe(
      'Plan délégué au CPAS : l’art.20 s’impute sur la fonction 80111, pas 84011',
    );
  });

  it('refuses an E-compte file of a CPAS plan with art.20 on 84011, naming the line, and of a commune plan with 80111', async () => {
    const t = makeTestApp();
    const cpas = await planOf(t.api, { nature: 'cpas', nom: 'CPAS de Ciney', commune: 'Ciney' });
    const commune = await planOf(t.api, { nature: 'commune', nom: 'Dinant' });
    const upload = (planId: string, bytes: Uint8Array) =>
      failure(t.api.plans[':planId'].imputations.import.$post({ param: { planId }, form: { file: new File([bytes], 'imputations.csv') } }));
    const a = expectApiError(await upload(cpas.id, csv(2021, '84011')), 400, 'validation', 'lignes.3.codeFonctionnel');
    expect(a.message).toContain('Ligne 3 (Code fonctionnel) : Plan délégué au CPAS : l’art.20 s’impute sur la fonction 80111, pas 84011');
    expectApiError(await upload(commune.id, csv(2021, '80111')), 400, 'validation', 'lignes.3.codeFonctionnel');
    const preview = await reply(
      t.api.plans[':planId'].imputations.import.$post({ param: { planId: cpas.id }, form: { file: new File([csv(2021, '80111')], 'imputations.csv') } }),
    );
    expect(preview.status).toBe(200);
    expect(JSON.stringify(preview.body)).toContain('"art20":20000');
  });
});
