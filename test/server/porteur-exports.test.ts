import { describe, expect, it } from 'vitest';
import { makeTestApp, reply, type Api } from '../helpers.ts';
import { openWorkbook } from '../workbook-edit.ts';
import { pdfPages, savePdf } from '../pdf-tools.ts';
import type { Organisation } from '../../schemas/porteur.ts';
import type { CreateOrganisationBody } from '../../schemas/requests/organisations.ts';
import type { Plan } from '../../schemas/plan.ts';

/**
 * The XLSX running header and the PDF's header and cover name the porteur as its kind says: a commune by its name,
 * « Association de communes … (commune pilote : …) », « CPAS de … ».
 */

const KINDS: [string, CreateOrganisationBody, string][] = [
  ['a commune', { nature: 'commune', nom: 'Dinant' }, 'Plan de Cohésion sociale de la Commune (commune porteuse) de Dinant'],
  [
    'an association',
    { nature: 'association', nom: 'Hesbaye', membres: [{ commune: 'Hannut' }, { commune: 'Waremme', pilote: true }, { commune: 'Braives' }] },
    'Plan de Cohésion sociale de l’Association de communes Hesbaye (commune pilote : Waremme)',
  ],
  ['a CPAS', { nature: 'cpas', nom: 'CPAS de Ciney', commune: 'Ciney' }, 'Plan de Cohésion sociale du CPAS de Ciney'],
];

async function planOf(api: Api, body: CreateOrganisationBody): Promise<Plan> {
  const o = (await reply(api.organisations.$post({ json: body }))).body as Organisation;
  const res = await reply(api.organisations[':organisationId'].plans.$post({ param: { organisationId: o.id }, json: { programmeId: 'pcs-2020-2025' } }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Plan;
}

describe('the porteur in the exports', () => {
  it.each(KINDS)('names %s in the XLSX running header of the fiche plan', async (_, body, header) => {
    const t = makeTestApp();
    const plan = await planOf(t.api, body);
    const res = await t.api.plans[':planId']['export.xlsx'].$get({ param: { planId: plan.id } });
    expect(res.status).toBe(200);
    const wb = await openWorkbook(new Uint8Array(await res.arrayBuffer()));
    const texts: string[] = [];
    wb.worksheets[0]!.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.value))));
    expect(texts).toContain(header);
  });

  it.each(KINDS)(
    'names %s in the PDF header and on its cover',
    async (kind, body, header) => {
      const t = makeTestApp();
      const plan = await planOf(t.api, body);
      const res = await t.api.plans[':planId']['export.pdf'].$get({ param: { planId: plan.id }, query: {} });
      expect(res.status).toBe(200);
      const pages = pdfPages(savePdf(new Uint8Array(await res.arrayBuffer()), `porteur-${body.nature}.pdf`));
      const flat = (s: string) => s.replace(/\s+/g, ' ');
      expect(flat(pages[0]!)).toContain(header);
      expect(flat(pages[1] ?? '')).toContain(header);
      const coverLine =
        kind === 'a commune' ? 'Commune Dinant' : kind === 'a CPAS' ? 'CPAS CPAS de Ciney' : 'Association de communes Association de communes Hesbaye';
      expect(flat(pages[0]!)).toContain(coverLine);
    },
    60_000,
  );
});
