import { deleteQuery } from '../references.ts';
import { CIVILITES, ENGAGEMENT_DETACHEMENT } from '../../../schemas/enums.ts';
import { listsOf } from '../../../schemas/programme-lists.ts';
import { formatBelgianNumber, sumOrNull } from '../../../schemas/numbers.ts';
import { TeamMemberFieldsSchema, type Plan } from '../../../schemas/plan.ts';
import { programmeSpan } from '../../../schemas/reference.ts';
import { api, send } from '../../api.ts';
import { h } from '../../dom.ts';
import type { Column } from '../../grid/columns.ts';
import { focusPath, sectionBinder, type Page, type PageContext } from '../context.ts';
import { rowsEditor } from '../rows-editor.ts';
import { totalsBox, type Figure } from '../totals.ts';

type TeamMember = Plan['equipeMembres'][number];

const formatEtp = (hundredths: number | null) => (hundredths === null ? 'non renseigné' : formatBelgianNumber(hundredths, 2));

/** ETP of the team financed by the plan, with and without the chef de projet. */
export function teamFigures(ctx: PageContext): Figure[] {
  const { plan } = ctx.store;
  const team = sumOrNull(plan.equipeMembres.map((m) => m.etp));
  const withChef = sumOrNull([team, plan.chefDeProjet.etp]);
  return [
    { label: 'Total ETP de l’équipe', value: formatEtp(team), testId: 'total-etp-equipe' },
    { label: 'Total ETP avec le chef de projet', value: formatEtp(withChef), testId: 'total-etp-avec-chef' },
  ];
}

/** Shows or hides the field of an "Autre" precision. */
function otherField(field: HTMLElement, visible: boolean): void {
  field.hidden = !visible;
}

/** "Chef de projet et équipe": contacts of the PCS, the chef de projet, the team financed by the plan, service citoyen. */
export function renderEquipe(ctx: PageContext): Page {
  const { planId } = ctx;
  const { programme } = ctx.store;
  const lists = listsOf(programme);
  const equipe = sectionBinder(ctx, 'equipe');
  const chef = sectionBinder(ctx, 'chefDeProjet');
  const service = sectionBinder(ctx, 'serviceCitoyen');
  const chefDoc = chef.binding.doc;

  // "Autre" precisions, shown when "Autre" is chosen (or a precision is already there).
  const contratAutre = chef.text('typeContratAutre', 'Type de contrat « Autre » : précisez');
  otherField(contratAutre, chefDoc.typeContratAutre != null || chefDoc.typeContrat === 'Autre');
  const contrat = chef.select('typeContrat', 'Type de contrat', lists.typesContrat, {
    onChange: (v) => otherField(contratAutre, v === 'Autre' || chefDoc.typeContratAutre != null),
  });
  const diplomeAutre = chef.text('diplomeAutre', 'Diplôme « Autre » : précisez');
  otherField(diplomeAutre, chefDoc.diplomeAutre != null || chefDoc.diplome === 'Autre');
  const diplome = chef.select('diplome', 'Diplôme le plus élevé ?', lists.diplomes, {
    onChange: (v) => otherField(diplomeAutre, v === 'Autre' || chefDoc.diplomeAutre != null),
  });

  // The other workers of the team: versioned rows saved one by one.
  const totals = totalsBox('Équipe financée par le plan');
  const refresh = () => totals.update(teamFigures(ctx));
  const columns: Column<TeamMember>[] = [
    { key: 'nomPrenom', title: 'Nom/prénom', kind: 'text', maxLength: 300, width: 260 },
    { key: 'fonction', title: 'Fonction au sein de l’équipe', kind: 'select', options: lists.fonctionsEquipe, width: 220 },
    { key: 'fonctionAutre', title: 'Fonction « Autre » : précisez', kind: 'text', maxLength: 300, width: 220 },
    {
      key: 'etp',
      title: 'ETP',
      kind: 'number',
      scale: 2,
      width: 90,
      check: (v) => (typeof v === 'number' && (v < 0 || v > 1_00) ? 'L’ETP d’un travailleur est compris entre 0 et 1' : null),
    },
  ];
  const editor = rowsEditor<TeamMember>({
    ctx,
    label: 'Autres travailleurs de l’équipe',
    path: 'equipeMembres',
    columns,
    rows: () => ctx.store.plan.equipeMembres,
    target: (row) => ({ type: 'list', collection: 'equipeMembres', id: row.id }),
    schema: TeamMemberFieldsSchema,
    create: {
      field: 'nomPrenom',
      label: 'Nom et prénom du travailleur',
      send: async (data) =>
        (await send(api.plans[':planId'].lists[':collection'].$post({ param: { planId, collection: 'equipeMembres' }, json: { data } }))) as TeamMember,
    },
    remove: async (row, detacher) => {
      await send(
        api.plans[':planId'].lists[':collection'][':rowId'].$delete({
          param: { planId, collection: 'equipeMembres', rowId: row.id },
          query: deleteQuery(row.version, detacher),
        }),
      );
    },
    describe: (row) => `le travailleur « ${row.nomPrenom} »`,
    onChanged: refresh,
  });
  refresh();

  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, 'Chef de projet et équipe'),
    h(
      'section',
      null,
      h('h2', null, `L’équipe en charge du PCS ${programmeSpan(programme)}`),
      equipe.text('adressePcs', 'Adresse principale du PCS'),
      h('h3', null, 'Chef de projet'),
      equipe.select('chefDeProjet.civilite', 'Civilité du chef de projet', CIVILITES),
      equipe.text('chefDeProjet.nom', 'Nom du chef de projet'),
      equipe.text('chefDeProjet.prenom', 'Prénom du chef de projet'),
      equipe.text('chefDeProjet.fonction', 'Fonction du chef de projet'),
      equipe.text('telephone', 'Tél. du chef de projet', { type: 'tel' }),
      equipe.text('gsm', 'GSM du chef de projet', { type: 'tel' }),
      equipe.text('courriel1', 'Courriel 1 chef de projet', { type: 'email' }),
      equipe.text('courriel2', 'Courriel 2 (si spam)', { type: 'email' }),
      h('h3', null, 'Président de la CA'),
      h('p', { class: 'hint' }, 'CA : Commission d’accompagnement'),
      equipe.select('presidentCa.civilite', 'Civilité du président de la CA', CIVILITES),
      equipe.text('presidentCa.nom', 'Nom du président de la CA'),
      equipe.text('presidentCa.prenom', 'Prénom du président de la CA'),
      equipe.text('presidentCa.fonction', 'Attribution/fonction'),
      h('h3', null, 'Présence en ligne'),
      equipe.text('siteInternetPcs', 'Adresse site internet PCS'),
      equipe.text('facebookPcs', 'Adresse page Facebook PCS'),
    ),
    h(
      'section',
      null,
      h('h2', null, 'A propos du chef de projet'),
      chef.date('dateEntreeFonction', 'Date d’entrée en fonction en tant que chef de projet du PCS'),
      contrat,
      contratAutre,
      chef.number('etp', 'ETP (en tant que chef de projet)', 2),
      chef.select('engagementOuDetachement', 'Engagement ou détachement ?', ENGAGEMENT_DETACHEMENT),
      chef.yesno('autreFonction', 'Avez-vous une autre fonction (ex. animateur) au sein du PCS ?'),
      chef.number('anneesExperience', `Années d’expérience en gestion de projet lors de la prise en charge du ${programme.shortName} ?`, 0),
      diplome,
      diplomeAutre,
      chef.text('orientation', 'Si master ou bachelier, orientation'),
    ),
    h('section', null, h('h2', null, `A propos des autres travailleurs de l’équipe financés par le ${programme.shortName}`), editor.el, totals.el),
    h('section', null, h('h2', null, 'Service citoyen'), service.yesno('recours', 'Le pouvoir local fait-il appel au service citoyen ?')),
  );

  return {
    el,
    refresh,
    focus(path) {
      const m = /^equipeMembres\.(\d+)(?:\.(\w+))?/.exec(path);
      if (m) {
        const index = Number(m[1]);
        if (index >= ctx.store.plan.equipeMembres.length) return focusPath(el, 'equipeMembres');
        editor.focusRow(index, m[2]);
        return true;
      }
      // A finding on a hidden "Autre" precision shows it first.
      const target = el.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`)?.closest<HTMLElement>('.field');
      if (target) target.hidden = false;
      return focusPath(el, path);
    },
    dispose() {
      equipe.flush();
      chef.flush();
      service.flush();
      editor.grid.destroy();
    },
  };
}
