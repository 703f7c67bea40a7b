/**
 * `npm run seed [-- sample-name]`: loads a sample plan into the database of DATA_DIR (another copy if one is there).
 * `npm run seed -- --region 195 [--graine 1]`: loads the regional demonstration data set (server/services/region-seed.ts)
 * on the demonstration database (the Liège sample and the demo accounts first when the database is empty).
 * Both are refused in production (NODE_ENV=production).
 */
import { parseArgs } from 'node:util';
import { parseConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { loadReference } from '../services/programmes.ts';
import { seedSample, seedSampleIfEmpty } from '../services/seed.ts';
import { createDemoAccounts, refuseDemoDataInProduction } from '../services/demo-accounts.ts';
import { refuseRegionSeedInProduction, seedRegion, type SeededPlan } from '../services/region-seed.ts';

const config = parseConfig(process.env);
const { values, positionals } = parseArgs({ options: { region: { type: 'string' }, graine: { type: 'string', default: '1' } }, allowPositionals: true });

if (values.region === undefined) {
  try {
    refuseDemoDataInProduction('npm run seed (plan exemple)');
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
  const db = openDatabase(config.databaseFile);
  const plan = seedSample({ db, reference: loadReference(db) }, positionals[0]);
  console.log(`Plan chargé : ${plan.commune} (${plan.programmeId}), ${plan.actions.length} actions, id ${plan.id}`);
  db.$client.close();
} else {
  try {
    refuseRegionSeedInProduction();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
  const count = Number(values.region);
  if (!Number.isInteger(count) || count < 1) {
    console.error(`--region attend un nombre de plans (ex. --region 195), pas « ${values.region} »`);
    process.exit(1);
  }
  const db = openDatabase(config.databaseFile);
  const ctx = { db, reference: loadReference(db) };
  if (config.loadSample && seedSampleIfEmpty(ctx)) {
    await createDemoAccounts(ctx);
    console.log('Base vide : plan exemple de Liège et comptes de démonstration créés (README).');
  }
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1).replace('.', ',');
  const result = await seedRegion(ctx, {
    count,
    seed: values.graine,
    onPlan: (done, total, plan) => {
      if (done % 10 === 0 || done === total) console.log(`${done}/${total} plans (${seconds()} s) — dernier : ${plan.organisation}`);
    },
  }).catch((e: unknown) => {
    // Plans written before the error stay (each in its own transaction); the one in progress left nothing.
    console.error(`Chargement interrompu : ${e instanceof Error ? e.message : String(e)}`);
    db.$client.close();
    process.exit(1);
  });
  const tally = (key: (p: SeededPlan) => string) => {
    const counts = new Map<string, number>();
    for (const p of result.plans) counts.set(key(p), (counts.get(key(p)) ?? 0) + 1);
    return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
  };
  console.log(
    `${result.plans.length} plans chargés (${result.programmeId}) en ${seconds()} s ; ${result.accounts} comptes créés (mot de passe de démonstration).`,
  );
  console.log(`Porteurs : ${tally((p) => p.nature)}. Dernière échéance : ${tally((p) => p.profile)}.`);
  console.log(`Part communale sous 25 % : ${result.plans.filter((p) => p.partCommunaleSousMinimum).length} plan(s).`);
  if (result.skipped.length) console.log(`Communes déjà pourvues d'un plan, laissées de côté : ${result.skipped.join(', ')}.`);
  const example = result.plans.find((p) => p.profile === 'retourne') ?? result.plans[0];
  if (example) console.log(`Exemple : ${example.chefEmail} (plan ${example.organisation}, ${example.profile}).`);
  db.$client.close();
}
