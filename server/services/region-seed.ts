import { and, eq } from 'drizzle-orm';
import type { ReturnBody } from '../../schemas/requests/submissions.ts';
import type { ReturnMotifType } from '../../schemas/review-queue.ts';
import { actions, organisations, plans, organisationMembers, users } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { ForbiddenError, ValidationError } from '../errors.ts';
import { PlanDocumentSchema, type PlanDocument } from '../../schemas/plan.ts';
import type { Actor, Role } from '../../schemas/access.ts';
import { normaliseCommune, type OrganisationKind } from '../../schemas/porteur.ts';
import { addDays, brusselsTime, daysBetween } from '../../schemas/dates.ts';
import { submissionDueDate, submissionYears, type Programme } from '../../schemas/reference.ts';
import { readSampleDocument } from '../../samples/load-sample.ts';
import {
  budgetBelowMinimum,
  chooseRegionPorteurs,
  createRandom,
  deriveRegionPlan,
  readRegionCommunes,
  slugOf,
  type Random,
  type RegionPlanSpec,
} from '../../samples/region/region-plans.ts';
import { ensureOrganisation, hashPassword } from './auth.ts';
import { catalogueOf } from '../reference.ts';
import { nowOf, todayOf, type ServiceContext } from './context.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, insertAccounts } from './demo-accounts.ts';
import { createOrganisation } from './organisations.ts';
import { importPlanDocument } from './plans.ts';
import { readPlan } from './plan-store.ts';
import { listRegionPlans } from './region-plans.ts';
import { currentProgramme } from '../../schemas/region-plans.ts';
import { updateCells } from './cells.ts';
import { updateSection } from './sections.ts';
import { approveSubmission, returnSubmission, submitReportDeferringFiles } from './submissions.ts';

/**
 * A region to try the DiCS's workspace on: `count` plans of real Walloon communes derived from the Liège sample
 * (samples/region), with their organisations, their people and their history of submissions up to the context's
 * clock. Demonstration data only: refused in production.
 */

/** Where a seeded plan stands on its latest past-due submission (the others before it are approved). */
export const REGION_PROFILES = ['en-preparation', 'soumis', 'resoumis', 'retourne', 'en-retard'] as const;
export type RegionProfile = (typeof REGION_PROFILES)[number];

export type RegionSeedOptions = {
  count: number;
  seed: string | number;
  /** Called after each plan (progress for the command line). */
  onPlan?: (done: number, total: number, plan: SeededPlan) => void;
};

export type SeededPlan = {
  planId: string;
  organisationId: string;
  organisation: string;
  nature: OrganisationKind;
  province: string;
  population: number;
  actions: number;
  profile: RegionProfile;
  /** The budget's part communale was lowered below 25 % of the subvention PCS after the last approval. */
  partCommunaleSousMinimum: boolean;
  /** E-mail of the chef de projet's account (password: the demo one). */
  chefEmail: string;
  submissions: number;
};

export type RegionSeedResult = {
  programmeId: string;
  plans: SeededPlan[];
  /** Communes left out because they already have a plan of the programme. */
  skipped: string[];
  accounts: number;
};

/** Sample data never reaches production: the regional data set refuses to load when NODE_ENV is production. */
export function refuseRegionSeedInProduction(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV === 'production') {
    throw new ForbiddenError(
      'Le jeu de données régional de démonstration ne se charge jamais en production (NODE_ENV=production) : ce sont des plans et des comptes fictifs.',
    );
  }
}

/** The published programme that contains the current year (the context's clock, Brussels time). */
function requireCurrentProgramme(ctx: ServiceContext): Programme {
  const today = todayOf(ctx);
  const year = Number(today.slice(0, 4));
  const programme = currentProgramme(ctx.reference.programmes, today);
  if (!programme?.years.includes(year))
    throw new ValidationError(`Aucun programme publié ne couvre l'année ${year}`, [{ path: 'programme', message: `Aucun programme publié en ${year}` }]);
  return programme;
}

type Due = { kind: string; annee: number; echeance: string };

/** Every submission the programme asks (kind × year) with its due date, soonest first. */
function obligationsOf(programme: Programme): Due[] {
  return programme.soumissions
    .flatMap((kind) => submissionYears(programme, kind).map((annee) => ({ kind: kind.id, annee, echeance: submissionDueDate(programme, kind, annee)! })))
    .sort((a, b) => a.echeance.localeCompare(b.echeance) || a.kind.localeCompare(b.kind));
}

/** Profiles for `count` plans: ≈ 25 submitted (a fifth of them again after a return), 8 returned, 15 late per 195. */
function profilesFor(count: number, random: Random): RegionProfile[] {
  const share = (per195: number) => (count >= 8 ? Math.max(1, Math.round((count * per195) / 195)) : 0);
  const submitted = share(25);
  const again = submitted >= 2 ? Math.max(1, Math.round(submitted / 5)) : 0;
  const list: RegionProfile[] = [
    ...Array<RegionProfile>(submitted - again).fill('soumis'),
    ...Array<RegionProfile>(again).fill('resoumis'),
    ...Array<RegionProfile>(share(8)).fill('retourne'),
    ...Array<RegionProfile>(share(15)).fill('en-retard'),
  ];
  return random.shuffle([...list, ...Array<RegionProfile>(Math.max(0, count - list.length)).fill('en-preparation')]).slice(0, count);
}

/** The DiCS's demandes de correction of a returned report: on one fiche (by its code) or on a section of the fiche plan. */
const RETURN_REASONS: readonly { on: 'fiche' | 'budget'; motifType: ReturnMotifType; texte: (code: string) => string }[] = [
  {
    on: 'fiche',
    motifType: 'donnee-manquante',
    texte: (code) => `Fiche ${code} : les valeurs réalisées semblent incomplètes, merci de les vérifier et de les compléter.`,
  },
  { on: 'fiche', motifType: 'incoherence', texte: (code) => `Fiche ${code} : l'écart entre la cible et le réalisé doit être expliqué dans les commentaires.` },
  {
    on: 'budget',
    motifType: 'piece-justificative',
    texte: () => 'Le budget réalisé ne correspond pas aux montants imputés dans E-compte : merci de joindre le rapprochement.',
  },
  { on: 'fiche', motifType: 'incoherence', texte: (code) => `Fiche ${code} : le public visé ne correspond pas au nombre de bénéficiaires déclaré.` },
];

/** A return's body: the motif and its demande, attached to the fiche `code` of the stored plan or to the budget section. */
function returnOf(db: DbOrTx, planId: string, code: string, random: Random): ReturnBody {
  const reason = random.pick(RETURN_REASONS);
  const texte = reason.texte(code);
  const fiche =
    reason.on === 'fiche'
      ? db
          .select({ id: actions.id })
          .from(actions)
          .where(and(eq(actions.planId, planId), eq(actions.code, code)))
          .get()
      : undefined;
  const demande = fiche
    ? { cibleType: 'fiche' as const, cible: fiche.id, motifType: reason.motifType, texte }
    : { cibleType: 'section' as const, cible: 'budget', motifType: reason.motifType, texte };
  return { motif: texte, demandes: [demande] };
}

const dayOf = (iso: string) => iso.slice(0, 10);
/** An instant on a working-day hour of `date` (UTC), as the audit trail stores it. */
const instantOn = (date: string, random: Random) =>
  `${date}T${String(random.int(7, 15)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}:00.000Z`;
const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);

/** The plans of the programme carried by each commune (by normalised name), members of associations included. */
function communesWithPlan(db: DbOrTx, programmeId: string): Set<string> {
  const names = new Set<string>();
  const rows = db.select({ commune: plans.commune, organisationId: plans.organisationId }).from(plans).where(eq(plans.programmeId, programmeId)).all();
  for (const r of rows) {
    names.add(normaliseCommune(r.commune));
    if (!r.organisationId) continue;
    const org = db.select({ commune: organisations.commune }).from(organisations).where(eq(organisations.id, r.organisationId)).get();
    if (org?.commune) names.add(normaliseCommune(org.commune));
    for (const m of db
      .select({ commune: organisationMembers.commune })
      .from(organisationMembers)
      .where(eq(organisationMembers.organisationId, r.organisationId))
      .all()) {
      names.add(normaliseCommune(m.commune));
    }
  }
  return names;
}

function actorOf(db: DbOrTx, email: string): Actor {
  const u = db.select().from(users).where(eq(users.email, email)).get();
  if (!u) throw new Error(`Compte introuvable : ${email}`);
  return { userId: u.id, email: u.email, nom: u.nom, role: u.role, organisationId: u.organisationId, partenaire: u.partenaire };
}

let liegeDocument: PlanDocument | null = null;

/**
 * Seeds `count` plans of the current programme (see currentProgramme), deterministic for `seed`: the same seed and
 * clock give the same plans, organisations, people and submissions (ids aside). Communes that already have a plan of
 * the programme are left out, so it runs on the demonstration database. Each plan is written in one transaction
 * (organisation, accounts, plan, submissions and decisions): an error leaves no half-written plan.
 *
 * Per plan: every past-due submission before the latest one is approved (submitted near its due date, approved
 * weeks later); the latest past-due one is, by profile, approved (the plan is preparing the next), submitted and
 * waiting for review (at spread dates, so the queue has an oldest), submitted again after a return with a corrected
 * value, returned with a reason, or not submitted (late, its actuals partly missing). A few plans then lower their
 * part communale below 25 % (an error of the checks). A chef de projet and a finance officer per organisation
 * (chef@<slug>.demo, finances@<slug>.demo, the demo password) make the submissions; the DiCS demo agent decides.
 * Files are generated at their first download (submitReportDeferringFiles).
 */
export async function seedRegion(ctx: ServiceContext, options: RegionSeedOptions): Promise<RegionSeedResult> {
  refuseRegionSeedInProduction();
  const { count, seed } = options;
  if (!Number.isInteger(count) || count < 1)
    throw new ValidationError('Indiquez un nombre de plans (entier, au moins 1)', [{ path: 'count', message: 'Nombre de plans attendu' }]);
  const programme = requireCurrentProgramme(ctx);
  const catalogue = catalogueOf(ctx.reference, programme);
  const now = nowOf(ctx);
  const today = dayOf(now);
  const currentYear = brusselsTime(now).year;
  const due = obligationsOf(programme);
  const past = due.filter((d) => d.echeance < today);
  const target = past[past.length - 1] ?? null;
  const history = past.slice(0, -1);

  const taken = communesWithPlan(ctx.db, programme.id);
  const communes = readRegionCommunes();
  const skipped = communes.filter((c) => taken.has(normaliseCommune(c.nom))).map((c) => c.nom);
  const specs = chooseRegionPorteurs(
    communes.filter((c) => !taken.has(normaliseCommune(c.nom))),
    count,
    seed,
  );
  const random = createRandom(seed, 'profiles');
  const profiles = profilesFor(count, random);
  const lowered = new Set(
    random
      .shuffle(profiles.map((p, i) => ({ p, i })).filter(({ p }) => p === 'en-preparation' || p === 'en-retard'))
      .slice(0, count >= 12 ? Math.max(1, Math.round((count * 6) / 195)) : 0)
      .map(({ i }) => i),
  );

  liegeDocument ??= PlanDocumentSchema.parse(readSampleDocument());
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  insertAccounts(
    ctx,
    DEMO_ACCOUNTS.filter((a) => a.role === 'dics'),
    passwordHash,
  );
  const dics = actorOf(ctx.db, DEMO_ACCOUNTS.find((a) => a.role === 'dics')!.email);

  const seeded: SeededPlan[] = [];
  let accounts = 0;
  specs.forEach((spec, index) => {
    const profile = profiles[index]!;
    const planRandom = createRandom(seed, 'plan', spec.organisation.nom);
    const late = profile === 'en-retard';
    const reportedYear = target?.annee ?? currentYear - 1;
    const actualsThrough = late ? reportedYear - 1 : reportedYear;
    const partialYear = late ? reportedYear : reportedYear + 1 < currentYear ? reportedYear + 1 : null;
    const document = deriveRegionPlan(liegeDocument!, spec, planRandom, { programme, catalogue, actualsThrough, partialYear });
    const plan = ctx.db.transaction(() =>
      seedOnePlan(ctx, { spec, document, profile, history, target, today, random: planRandom, passwordHash, dics, lowered: lowered.has(index) }),
    );
    accounts += plan.newAccounts;
    seeded.push(plan.seeded);
    options.onPlan?.(index + 1, specs.length, plan.seeded);
  });
  // The DiCS's overview summarises each plan once and keeps it until the plan changes: done now rather than at its first opening.
  listRegionPlans({ ...ctx, programmeId: programme.id });
  return { programmeId: programme.id, plans: seeded, skipped, accounts };
}

type PlanRun = {
  spec: RegionPlanSpec;
  document: PlanDocument;
  profile: RegionProfile;
  history: readonly Due[];
  target: Due | null;
  today: string;
  random: Random;
  passwordHash: string;
  dics: Actor;
  lowered: boolean;
};

function seedOnePlan(ctx: ServiceContext, run: PlanRun): { seeded: SeededPlan; newAccounts: number } {
  const { spec, document, profile, random, today, dics } = run;
  const { db } = ctx;
  const org = spec.organisation;
  const existing = db.select({ id: organisations.id }).from(organisations).where(eq(organisations.nom, org.nom)).get();
  const organisationId = existing?.id ?? (org.nature === 'commune' ? ensureOrganisation(ctx, db, org.nom) : createOrganisation({ ...ctx, input: org }).id);

  // The people of the plan: its chef de projet and its directeur financier, as the fiche plan names them.
  const slug = slugOf(org.nature === 'commune' ? org.nom : org.nature === 'cpas' ? `cpas-${org.commune}` : org.nom);
  const chef = document.equipe.chefDeProjet;
  const account = (role: Role, email: string, nom: string) => ({ email, nom, role, organisation: org.nom });
  const before = db.select({ id: users.id }).from(users).all().length;
  insertAccounts(
    ctx,
    [
      account('chef-de-projet', `chef@${slug}.demo`, `${chef.prenom} ${chef.nom} (${chef.civilite === 'Mme' ? 'cheffe' : 'chef'} de projet PCS, ${org.nom})`),
      account('finance', `finances@${slug}.demo`, `${document.identite.directeurFinancier} (directeur financier, ${org.nom})`),
    ],
    run.passwordHash,
  );
  const newAccounts = db.select({ id: users.id }).from(users).all().length - before;
  const chefActor = actorOf(db, `chef@${slug}.demo`);
  const financeActor = actorOf(db, `finances@${slug}.demo`);

  const created = importPlanDocument({
    ...ctx,
    now: () => `${ctx.reference.programmes.find((p) => p.id === document.programmeId)!.start}T08:00:00.000Z`,
    organisationId,
    document,
  });
  const planId = created.id;
  const as = (actor: Actor, at: string): ServiceContext => ({ ...ctx, actor, origin: 'grille', now: () => at });
  let submissions = 0;
  const submit = (d: Due, at: string) => {
    submissions++;
    return submitReportDeferringFiles({ ...as(chefActor, at), planId, input: { annee: d.annee, kind: d.kind } });
  };

  // History: submitted around the due date, approved some weeks later.
  let cursor = '1970-01-01';
  for (const d of run.history) {
    const submittedOn = maxDate(addDays(cursor, 1), addDays(d.echeance, random.int(-45, 12)));
    const approvedOn = minDate(addDays(submittedOn, random.int(7, 70)), addDays(today, -1));
    const s = submit(d, instantOn(submittedOn, random));
    approveSubmission({ ...as(dics, instantOn(approvedOn, random)), planId, submissionId: s.id, input: { motif: null } });
    cursor = approvedOn;
  }

  const t = run.target;
  if (t) {
    const windowStart = maxDate(addDays(cursor, 1), addDays(t.echeance, -60));
    const lastDay = addDays(today, -1);
    const spread = (from: string) => addDays(from, random.int(0, Math.max(0, daysBetween(from, lastDay))));
    const code = document.actions.length ? random.pick(document.actions).code : '—';
    switch (profile) {
      case 'en-preparation': {
        const s = submit(t, instantOn(addDays(t.echeance, random.int(-40, 5)), random));
        approveSubmission({
          ...as(dics, instantOn(minDate(addDays(t.echeance, random.int(20, 80)), lastDay), random)),
          planId,
          submissionId: s.id,
          input: { motif: null },
        });
        break;
      }
      case 'soumis':
        submit(t, instantOn(spread(windowStart), random));
        break;
      case 'retourne': {
        const submittedOn = spread(windowStart);
        const s = submit(t, instantOn(submittedOn, random));
        returnSubmission({
          ...as(dics, instantOn(minDate(addDays(submittedOn, random.int(3, 30)), lastDay), random)),
          planId,
          submissionId: s.id,
          input: returnOf(ctx.db, planId, code, random),
        });
        break;
      }
      case 'resoumis': {
        const submittedOn = spread(windowStart);
        const first = submit(t, instantOn(submittedOn, random));
        const returnedOn = minDate(addDays(submittedOn, random.int(3, 20)), lastDay);
        returnSubmission({ ...as(dics, instantOn(returnedOn, random)), planId, submissionId: first.id, input: returnOf(ctx.db, planId, code, random) });
        correctOneActual(as(chefActor, instantOn(returnedOn, random)), planId, t.annee, random);
        submit(t, instantOn(minDate(addDays(returnedOn, random.int(1, 15)), lastDay), random));
        break;
      }
      case 'en-retard':
        break;
    }
  }

  if (run.lowered) {
    // A municipal budget decision after the last approval lowers the part communale below the decree's 25 %.
    const plan = readPlan(db, planId);
    updateSection({
      ...as(financeActor, instantOn(addDays(today, -random.int(5, 60)), random)),
      reason: 'Modification budgétaire n°2 : réduction de la dotation communale',
      planId,
      section: 'budget',
      version: plan.versions.budget,
      data: budgetBelowMinimum(plan.budget, random),
    });
  }

  const lead = spec.communes[0]!;
  return {
    newAccounts,
    seeded: {
      planId,
      organisationId,
      organisation: org.nom,
      nature: org.nature,
      province: lead.province,
      population: spec.communes.reduce((s, c) => s + c.population, 0),
      actions: document.actions.length,
      profile,
      partCommunaleSousMinimum: run.lowered,
      chefEmail: chefActor.email,
      submissions,
    },
  };
}

/** The chef de projet corrects one actual of the returned year, as the DiCS asked (a real cell write, audited). */
function correctOneActual(ctx: ServiceContext, planId: string, annee: number, random: Random): void {
  const plan = readPlan(ctx.db, planId);
  const year = String(annee);
  const candidates = plan.actions.flatMap((a) => a.indicators.filter((i) => i.unit === 'count' && i.values[year]?.actual != null));
  if (!candidates.length) return;
  const indicator = random.pick(candidates);
  const value = indicator.values[year]!;
  updateCells({
    ...ctx,
    planId,
    cells: [{ grid: 'indicator-actual', row: indicator.id, period: year, value: (value.actual ?? 0) + random.int(1, 12), version: value.actualVersion }],
  });
}
