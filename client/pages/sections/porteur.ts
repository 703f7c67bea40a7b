import { CIVILITES, PORTEUR_TYPES, PORTE_PAR, PROVINCES } from '../../../schemas/enums.ts';
import { RGPD_TITLE, rgpdParagraphs, runningHeader } from '../../../schemas/form-text.ts';
import { formatBelgianNumber } from '../../../schemas/numbers.ts';
import { formatIsadf } from '../../../schemas/porteur.ts';
import { planPorteurOf } from '../../state/plan-porteur.ts';
import { h } from '../../dom.ts';
import { embeddedGrid } from '../embedded-grid.ts';
import type { Column } from '../../grid/columns.ts';
import { focusPath, sectionBinder, type Page, type PageContext } from '../context.ts';

type Person = { civilite: string | null; nom: string | null; prenom: string | null; fonction: string | null };

/** Porteur du plan and identité de la commune (fiche plan, first page). */
export function renderPorteur(ctx: PageContext): Page {
  const porteur = sectionBinder(ctx, 'porteur');
  const identite = sectionBinder(ctx, 'identite');

  // Représentants légaux: a small grid inside the identité section, saved with it.
  const columns: Column<Person>[] = [
    { key: 'civilite', title: 'Civilité', kind: 'select', options: CIVILITES, width: 90 },
    // Without a width a column gets the grid's 50 px: too narrow for « Prénom » and for the names themselves.
    { key: 'nom', title: 'Nom', kind: 'text', maxLength: 300, width: 200 },
    { key: 'prenom', title: 'Prénom', kind: 'text', maxLength: 300, width: 160 },
    { key: 'fonction', title: 'Fonction', kind: 'text', maxLength: 300, width: 260 },
  ];
  const representants = embeddedGrid<Person>({
    binder: identite,
    path: 'representants',
    label: 'Représentants de la commune',
    columns,
    newRow: () => ({ civilite: null, nom: null, prenom: null, fonction: null }),
    addLabel: 'Ajouter un représentant',
    removeLabel: 'Retirer le représentant sélectionné',
    focusKey: 'nom',
  });

  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, 'Porteur et identité'),
    h('p', { class: 'running-header', 'data-testid': 'porteur-name' }, runningHeader(ctx.store.plan)),
    associationMembers(ctx),
    h(
      'details',
      { class: 'rgpd' },
      h('summary', null, RGPD_TITLE),
      rgpdParagraphs(ctx.store.programme).map((p) => h('p', null, p)),
    ),
    h(
      'section',
      null,
      h('h2', null, 'Porteur du plan'),
      porteur.select('type', 'Le plan est porté par', PORTEUR_TYPES),
      porteur.lines('communesAssociees', 'Commune(s) concernée(s)', 'La commune porteuse en premier, une commune par ligne'),
      porteur.select('porteParQui', 'Le plan est-il porté par la commune ou par le CPAS ?', PORTE_PAR),
      porteur.date('dateApprobation', 'Date d’approbation du plan par le conseil communal'),
      porteur.text('denomination', 'Dénomination dans l’en-tête (ex. « la Ville de Liège »)'),
    ),
    h(
      'section',
      null,
      h('h2', null, 'Identité de la commune'),
      identite.text('adresse', 'Adresse de l’administration communale'),
      h('h3', null, 'Représentant(s) de la commune'),
      representants.el,
      identite.text('telephone', 'Téléphone', { type: 'tel' }),
      identite.text('directeurFinancier', 'Directeur financier'),
      identite.text('courriel', 'Courriel', { type: 'email' }),
      identite.text('siteInternet', 'Site internet'),
      identite.number('population', 'Nombre d’habitants', 0),
      identite.select('province', 'Province', PROVINCES),
    ),
  );
  return {
    el,
    focus: (path) => focusPath(el, path),
    dispose() {
      porteur.flush();
      identite.flush();
      representants.grid.destroy();
    },
  };
}

/**
 * The communes of the association carrying the plan (from its organisation, kept by the DiCS): ISADF and population
 * of each, the lead commune, and the totals the subsidy and the 25 % rule are computed on. Null for a commune or CPAS.
 */
function associationMembers(ctx: PageContext): HTMLElement | null {
  const porteur = planPorteurOf(ctx.store);
  const organisation = porteur?.organisation;
  if (organisation?.nature !== 'association') return null;
  const people = (n: number | null) => (n === null ? '—' : formatBelgianNumber(n, 0));
  return h(
    'section',
    { 'data-testid': 'association-members' },
    h('h2', null, `Communes de l’association ${organisation.nom}`),
    h(
      'table',
      { class: 'plans-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Commune', 'ISADF', 'Population', ''].map((t) => h('th', null, t)),
        ),
      ),
      h(
        'tbody',
        null,
        organisation.membres.map((m) =>
          h(
            'tr',
            null,
            h('td', null, m.commune),
            h('td', { class: 'num' }, formatIsadf(m.isadf)),
            h('td', { class: 'num' }, people(m.population)),
            h('td', null, m.pilote ? 'Commune pilote' : ''),
          ),
        ),
      ),
      h(
        'tfoot',
        null,
        h(
          'tr',
          null,
          h('th', null, `Total (${porteur?.totaux?.communes ?? organisation.membres.length} communes)`),
          h('td', null),
          h('td', { class: 'num' }, people(porteur?.totaux?.population ?? null)),
          h('td', null),
        ),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      'La subvention et la part communale minimale (25 %) portent sur l’association dans son ensemble ; le nombre d’habitants du plan est celui de toutes ses communes.',
    ),
  );
}
