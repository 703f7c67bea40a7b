import { CIVILITES, PORTEUR_TYPES, PORTE_PAR, PROVINCES } from '../../../schemas/enums.ts';
import { RGPD_TITLE, rgpdParagraphs } from '../../../schemas/form-text.ts';
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
