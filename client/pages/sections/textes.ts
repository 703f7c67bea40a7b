import { h } from '../../dom.ts';
import { focusPath, sectionBinder, type Page, type PageContext } from '../context.ts';

/** The narratives of the fiche plan (long texts, paragraphs kept), with the official labels, in the form's order. */
export function renderTextes(ctx: PageContext): Page {
  const textes = sectionBinder(ctx, 'textes');
  const { years } = ctx.store;
  const first = years[0];
  const last = years[years.length - 1];
  const long = { long: true } as const;

  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, 'Textes du plan'),
    textes.text('portrait', 'Portrait de la commune / du territoire couvert par l’association de pouvoirs locaux', long),
    textes.text('problemesBesoins', 'Problèmes/Besoins auxquels la commune ou le territoire couvert par l’association de pouvoirs locaux est confronté', long),
    textes.text('vision', `Vision de la situation désirée en ${last} sur le territoire couvert par le PCS`, long),
    textes.text('plusValue', `Plus value / Valeur ajoutée par le plan pour passer de la situation de ${first} à ${last}`, long),
    textes.text('objectifStrategique', 'Objectif stratégique du plan', long),
    textes.text(
      'commentairesModifications',
      'Commentaires facultatifs en cas de modifications substantielles apportées à la « fiche plan » en cours de plan',
      long,
    ),
  );
  return {
    el,
    focus: (path) => focusPath(el, path),
    dispose: () => textes.flush(),
  };
}
