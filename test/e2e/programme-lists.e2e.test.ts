import { describe, expect, it } from 'vitest';
import type { Action } from '../../schemas/action.ts';
import type { Plan } from '../../schemas/plan.ts';
import { browserSuite, getPlan, openPage } from './harness.ts';

/** The fiche's drop-downs offer the lists of the plan's programme: « PCS 3 » on pcs-2027, « PCS 2 » on pcs-2020-2025. */

const CADRE = 'Précisez dans quel cadre elle est mise en œuvre ?';

describe('the fiche action offers its programme’s lists', () => {
  const suite = browserSuite();

  async function cadreOptions(planId: string, actionId: string): Promise<string[]> {
    const page = await openPage(suite.browser, suite.errors, suite.server, 'admin@cohesio.demo');
    await page.goto(`${suite.server.url}/#/plan/${planId}/fiche/${actionId}`);
    const select = page.getByLabel(CADRE);
    await select.waitFor();
    const options = await select.locator('option').allTextContents();
    await page.close();
    return options;
  }

  it('offers the cadres existants of PCS 3 on a pcs-2027 plan', async () => {
    const { server } = suite;
    const plan = (await server.api<Plan>('POST', '/api/plans', { commune: 'Namur', programmeId: 'pcs-2027' })).body;
    const action = (await server.api<Action>('POST', `/api/plans/${plan.id}/actions`, { code: '1.3.03' })).body;
    expect(await cadreOptions(plan.id, action.id)).toEqual([
      '— non renseigné —',
      'Inscrite dans PCS 3',
      'Inscrite dans PCS 3 et mise en œuvre sur le territoire hors PCS',
    ]);
  }, 60_000);

  it('offers the cadres existants of PCS 2 on the Liège plan (pcs-2020-2025)', async () => {
    const plan = await getPlan(suite.server);
    expect(await cadreOptions(plan.id, plan.actions[0]!.id)).toEqual([
      '— non renseigné —',
      'Inscrite dans PCS 2',
      'Inscrite dans PCS 2 et mise en œuvre sur le territoire hors PCS',
    ]);
  }, 60_000);
});
