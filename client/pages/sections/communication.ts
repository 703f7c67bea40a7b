import { listsOf } from '../../../schemas/programme-lists.ts';
import { h } from '../../dom.ts';
import { focusPath, sectionBinder, type Page, type PageContext } from '../context.ts';

/** Modes de communication externe et interne autour du plan global. */
export function renderCommunication(ctx: PageContext): Page {
  const communication = sectionBinder(ctx, 'communication');
  const lists = listsOf(ctx.store.programme);
  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, 'Communication'),
    h(
      'section',
      null,
      h('h2', null, 'Communication externe'),
      communication.checkboxes('externe', 'Modes de communication externe autour du PLAN GLOBAL', lists.modesCommunicationExterne),
      communication.text('externeAutre', 'Si « Autre », précisez le mode de communication externe'),
    ),
    h(
      'section',
      null,
      h('h2', null, 'Communication interne'),
      communication.checkboxes('interne', 'Modes de communication interne autour du PLAN GLOBAL', lists.modesCommunicationInterne),
      communication.text('interneAutre', 'Si « Autre », précisez le mode de communication interne'),
    ),
  );
  return {
    el,
    focus: (path) => focusPath(el, path),
    dispose: () => communication.flush(),
  };
}
