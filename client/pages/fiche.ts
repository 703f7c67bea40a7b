import { runningHeader } from '../../schemas/form-text.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import type { z } from 'zod';
import { ActionEditSchema, describeAction, type Action } from '../../schemas/action.ts';
import { actionFieldPath, buildPath } from '../../schemas/plan-path.ts';
import { DROIT_VISE_LABELS, PUBLICS_CIBLES, PUBLIC_DIMENSIONS, STATUTS_ACTION, type PublicDimension } from '../../schemas/enums.ts';
import { listsOf } from '../../schemas/programme-lists.ts';
import type { Indicator } from '../../schemas/indicator.ts';
import { formatEuros, formatUnitValue } from '../../schemas/numbers.ts';
import { resolveCatalogueEntry } from '../../schemas/reference.ts';
import { renderIndicatorChart } from '../../schemas/charts/indicator-chart.ts';
import { h, newRowId, replaceChildren, svgNode } from '../dom.ts';
import { FormBinder } from '../forms/fields.ts';
import { sectionHref } from '../router.ts';
import { focusPath, type Page, type PageContext } from './context.ts';
import { indicatorTable } from './indicator-table.ts';
import { embeddedGrid } from './embedded-grid.ts';
import { actionEditOf } from './sections/actions.ts';
import { permissionsOf } from '../state/permissions.ts';
import { ficheHistoryButton } from './history.ts';
import { ficheThreadsLink } from './threads.ts';

/**
 * A fiche action laid out like the official form: the header from the catalogue (action, thématique, axe), the
 * list fields, the description fields in form order, the operator and other partners, communication, publics
 * cibles, the calendar, and the indicator tables with a chart of targets vs actuals.
 */
type Partner = { id: string; nom: string; contribution: string | null };
type Public = { id: string; dimension: PublicDimension; valeur: string | null; autre: string | null };

export function renderFichePage(ctx: PageContext, actionId: string): Page {
  const { store, queue, planId } = ctx;
  const lists = listsOf(store.programme);
  const action = store.action(actionId);
  if (!action) {
    return {
      el: h(
        'article',
        { class: 'section-page' },
        h('h1', null, 'Fiche introuvable'),
        h('p', null, 'Cette action n’existe plus dans le plan. '),
        h('a', { href: sectionHref(planId, 'actions') }, 'Retour à la liste des actions'),
      ),
    };
  }
  const index = store.plan.actions.indexOf(action);
  const entry = resolveCatalogueEntry(store.catalogue, action.code);
  const permissions = permissionsOf(store);
  const binder = new FormBinder({
    doc: structuredClone(actionEditOf(action)),
    schema: ActionEditSchema as z.ZodType,
    pathPrefix: buildPath('actions', index),
    // A partner operator writes the texts of the fiches they operate; the finance officer and the DiCS none.
    canWrite: (path) => permissions.canSave(WRITE_CAPABILITIES.action, actionFieldPath(action.id, path)),
    readOnlyReason: permissions.denial('modifier cette partie de la fiche'),
    save(data) {
      const edit = structuredClone(data) as ReturnType<typeof actionEditOf>;
      Object.assign(action, edit);
      queue.enqueue({ kind: 'row', target: { type: 'action', id: action.id }, label: describeAction(action), data: edit, version: action.version });
      store.emit('local');
    },
  });

  const threads = ficheThreadsLink(ctx, action.id);
  // Header block from the catalogue.
  const header = h(
    'header',
    { class: 'fiche-header' },
    h('p', { class: 'running-header' }, runningHeader(store.plan)),
    h('h1', null, `ACTION ${action.code}`),
    h('p', { class: 'intitule' }, entry?.intitule ?? 'Code absent du catalogue'),
    entry?.objectif ? h('p', { class: 'objectif' }, entry.objectif) : null,
    h(
      'dl',
      { class: 'fiche-meta' },
      h('dt', null, 'THÉMATIQUE'),
      h('dd', null, entry?.thematique?.title ?? '—', entry?.thematique?.objective ? h('span', { class: 'muted' }, ` — ${entry.thematique.objective}`) : null),
      h('dt', null, 'AXE'),
      h('dd', null, entry?.axe?.title ?? '—', entry?.axe?.objective ? h('span', { class: 'muted' }, ` — ${entry.axe.objective}`) : null),
      h('dt', null, 'Indicateurs'),
      h(
        'dd',
        null,
        h(
          'a',
          {
            href: '#',
            class: 'jump-indicators',
            onclick: (e: Event) => {
              e.preventDefault();
              table.el.scrollIntoView({ block: 'start' });
              table.focusIndicator(0);
            },
          },
          `Aller aux ${action.indicators.length} indicateurs`,
        ),
      ),
      h('dt', null, 'Opérateur'),
      h(
        'dd',
        null,
        describeAction(action)
          .replace(/^Fiche [^ ]+ ?/, '')
          .replace(/^\((.*)\)$/, '$1') || '—',
      ),
    ),
    threads.el,
    ficheHistoryButton(ctx, action.id),
  );

  // Embedded grids (other partners, publics): rows live in the fiche and are saved with it.
  const partners = embeddedGrid<Partner>({
    binder,
    path: 'fiche.autresPartenaires',
    label: 'Autres partenaires qui prennent une part active dans la mise en œuvre de l’action',
    columns: [
      { key: 'nom', title: 'Nom de l’association/institution', kind: 'text', maxLength: 300, width: 280 },
      { key: 'contribution', title: 'En quoi consiste leur contribution', kind: 'text', maxLength: 2000, width: 420 },
    ],
    newRow: () => ({ id: newRowId(), nom: 'Nouveau partenaire', contribution: null }),
    addLabel: 'Ajouter un partenaire',
    removeLabel: 'Retirer la ligne sélectionnée',
  });
  const publics = embeddedGrid<Public>({
    binder,
    path: 'fiche.publics',
    label: 'Publics cibles / Bénéficiaires visés',
    columns: [
      { key: 'dimension', title: 'En termes de :', kind: 'select', options: PUBLIC_DIMENSIONS, width: 260 },
      { key: 'valeur', title: 'Précisez :', kind: 'select', options: (p) => PUBLICS_CIBLES[p.dimension] ?? [], width: 320 },
      { key: 'autre', title: 'Si « Autre », précisez', kind: 'text', maxLength: 300, width: 200 },
    ],
    newRow: () => ({ id: newRowId(), dimension: 'Pas de public cible spécifique', valeur: null, autre: null }),
    addLabel: 'Ajouter un public',
    removeLabel: 'Retirer la ligne sélectionnée',
    // A new dimension has its own list of values: clear a value that no longer belongs to it.
    normalise(p, key) {
      if (key === 'dimension' && p.valeur !== null && !(PUBLICS_CIBLES[p.dimension] as readonly string[]).includes(p.valeur)) p.valeur = null;
    },
  });

  // Chart of the selected indicator (targets vs actuals per year).
  const chartHost = h('figure', { class: 'indicator-chart', 'aria-live': 'polite' });
  let charted: Indicator | undefined = action.indicators[0];
  const drawChart = () => {
    if (!charted || !action.indicators.includes(charted)) charted = action.indicators[0];
    replaceChildren(
      chartHost,
      charted
        ? svgNode(renderIndicatorChart({ label: charted.label, unit: charted.unit, years: store.years, values: charted.values }))
        : h('p', null, 'Aucun indicateur.'),
      h('figcaption', null, 'Cibles et réalisés par année de l’indicateur sélectionné dans le tableau.'),
    );
  };
  const table = indicatorTable(ctx, action, (ind) => {
    charted = ind;
    drawChart();
  });
  drawChart();

  const transferOptions = store.plan.transferts.map((t) => ({
    value: t.id,
    label: `${t.partenaire}${t.montant === null ? '' : ` — ${formatEuros(t.montant)}`}${t.art20 ? ' (art.20)' : ''}`,
  }));

  const el = h(
    'article',
    { class: 'section-page fiche wide', 'data-action-id': action.id },
    header,
    h(
      'section',
      { class: 'columns' },
      h('h2', null, 'Liste des actions'),
      binder.select('statut', 'Statut', STATUTS_ACTION),
      binder.select('droitVise', 'Droits visés', DROIT_VISE_LABELS),
      binder.number('priorite', 'Priorité', 0),
    ),
    h(
      'section',
      null,
      h('h2', null, 'Description de l’action'),
      binder.text('fiche.problemesBesoins', 'Problèmes/besoins en lien avec l’action auxquels le territoire est confronté', { long: true }),
      binder.select('fiche.degreImplication', 'Degré d’implication de l’équipe PCS dans la mise en œuvre de l’action', lists.degresImplication),
      h('div', { class: 'columns' }, binder.yesno('fiche.conventionPartenariat', 'Convention de partenariat ?'), binder.yesno('fiche.art20', 'Art.20 ?')),
      binder.yesno('fiche.existeDeja', 'Est-ce que l’action existe déjà sur le territoire ?'),
      binder.select('fiche.cadreExistant', 'Précisez dans quel cadre elle est mise en œuvre ?', lists.cadresExistants),
      binder.text('fiche.plusValue', 'Plus value/valeur apportée à l’action par le PCS :', { long: true }),
      binder.yesno('fiche.participationCitoyenne', 'Est-ce que l’action découle d’une démarche de participation citoyenne ?'),
      h(
        'div',
        { class: 'columns' },
        binder.select('fiche.participationDemarche', 'Démarche', lists.demarchesParticipation),
        binder.text('fiche.participationDemarchePrecision', 'Précision'),
      ),
      binder.text('fiche.solidarite', 'Solidarité / Coresponsabilité — Justifier en quoi l’action renforce la solidarité et la coresponsabilité :', {
        long: true,
      }),
      binder.yesno('fiche.gratuite', 'L’action est-elle gratuite pour les bénéficiaires ?'),
      binder.text('fiche.gratuiteCommentaire', 'Commentaire sur la gratuité'),
      binder.yesno('fiche.luttePauvreteDirecte', 'Lutte contre la pauvreté — L’action lutte-t-elle DIRECTEMENT contre la pauvreté économique ?'),
      binder.text('fiche.luttePauvreteJustification', 'Si oui, justifier en quoi :', { long: true }),
    ),
    h(
      'section',
      null,
      h('h2', null, 'Opérateur/partenaire principal qui met en œuvre l’action'),
      binder.yesno('fiche.operateur.equipePcs', 'L’action est portée par l’équipe PCS'),
      h(
        'div',
        { class: 'columns' },
        binder.text('fiche.operateur.personneContact', 'Personne de contact'),
        binder.text('fiche.operateur.organisme', 'Association/Organisme/Administration'),
      ),
      binder.text('fiche.operateur.coordonnees', 'Coordonnées (adresse, site internet)'),
      binder.select('fiche.operateur.transferId', 'Transfert financier (Ventilation des transferts par partenaire)', transferOptions),
      h('h3', null, 'Autres partenaires qui prennent une part active dans la mise en œuvre de l’action'),
      partners.el,
    ),
    h(
      'section',
      null,
      h('h2', null, 'Communication et publics'),
      binder.checkboxes('fiche.communication.modes', 'Mode de communication autour de l’action', lists.modesCommunicationAction),
      binder.text('fiche.communication.autre', 'Autre mode de communication'),
      h('h3', null, 'Publics cibles / Bénéficiaires visés'),
      publics.el,
      binder.select('fiche.typeAction', 'Type d’action :', lists.typesAction),
      binder.text('fiche.description', 'Description de l’action', { long: true }),
    ),
    table.el,
    baselineList(action),
    chartHost,
    h(
      'section',
      null,
      binder.text('fiche.moyensLogistiques', 'Moyens logistiques et organisationnels nécessaires du point de vue de l’équipe', { long: true }),
      binder.text('fiche.commentairesEcarts', 'Commentaires en cas de différence entre indicateurs projetés et résultats :', { long: true }),
      binder.yesno('fiche.supracommunal.active', 'Action supracommunale (hors plan en supracommunalité) — Oui/Non ?'),
      binder.lines('fiche.supracommunal.communes', 'Communes concernées ?'),
      binder.text(
        'fiche.justificationModifications',
        'Justification en cas de suppression/ajout/réorientation de l’action en cours de plan, changement de partenaires,... :',
        { long: true },
      ),
    ),
    h(
      'section',
      null,
      h('h2', null, 'Calendrier de l’action'),
      h(
        'div',
        { class: 'columns' },
        binder.select('fiche.calendrier.frequence', 'Fréquence de l’action', lists.frequences),
        binder.text('fiche.calendrier.frequenceAutre', 'Autre fréquence'),
      ),
      binder.yesno('fiche.calendrier.surLaDureeDuPlan', 'Sur la durée du plan'),
      h('div', { class: 'columns' }, binder.date('fiche.calendrier.debut', 'Début :'), binder.date('fiche.calendrier.fin', 'Fin :')),
    ),
  );

  return {
    el,
    refresh() {
      table.refresh();
      drawChart();
    },
    focus(path) {
      const m = /^actions\.\d+\.indicators\.(\d+)(?:\.(.+))?/.exec(path);
      if (m) {
        table.el.scrollIntoView({ block: 'center' });
        table.focusIndicator(Number(m[1]), m[2]);
        return true;
      }
      return focusPath(el, path);
    },
    dispose() {
      binder.flush();
      threads.dispose();
      table.dispose();
      partners.grid.destroy();
      publics.grid.destroy();
    },
  };
}

/**
 * The baselines a fiche carried over from the previous programme's plan (« Préparer le plan suivant »): the last
 * actual of each indicator, read-only; null when there is none.
 */
function baselineList(action: Action): HTMLElement | null {
  const lines = action.fiche.valeursDeReference.flatMap((v) => {
    const indicator = action.indicators.find((i) => i.id === v.indicatorId);
    return indicator ? [h('li', null, `${indicator.label} : ${formatUnitValue(v.valeur, indicator.unit)} (réalisé ${v.annee})`)] : [];
  });
  if (!lines.length) return null;
  return h(
    'div',
    { class: 'baselines', 'data-testid': 'baselines' },
    h('h3', null, 'Valeurs de référence (dernier réalisé du programme précédent)'),
    h('ul', null, lines),
  );
}
