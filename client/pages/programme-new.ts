import type { Programme } from '../../schemas/reference.ts';
import { CreateProgrammeBody } from '../../schemas/requests/programmes.ts';
import { api, send, ApiFailure, failureMessage } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import { programmesHref } from '../router.ts';
import { ANNUAL_REPORT_KIND } from '../../schemas/reference.ts';

/**
 * « Nouveau projet de programme »: identifier, name, first and last year, the programme whose catalogue it starts
 * from. It starts with a yearly report; the administrator then edits it as any draft.
 */
export function newProgrammeForm(programmes: Programme[], onChanged: () => void): HTMLElement {
  const input = (label: string, attrs: Record<string, string | number>) => {
    const id = uid('new-programme');
    const el = h('input', { type: 'text', id, autocomplete: 'off', ...attrs });
    return { el, box: h('div', { class: 'field' }, h('label', { for: id }, label), el) };
  };
  const last = programmes[programmes.length - 1];
  const next = last ? last.years[last.years.length - 1]! + 1 : new Date().getFullYear() + 1;
  const id = input('Identifiant (minuscules, chiffres, tirets)', { value: `pcs-${next}`, maxlength: 40 });
  const label = input('Intitulé', { value: `Plan de Cohésion sociale à partir de ${next} (projet)`, maxlength: 200 });
  const shortName = input('Nom court', { value: 'PCS', maxlength: 40 });
  const firstYear = input('Première année', { value: next, inputmode: 'numeric', maxlength: 4 });
  const lastYear = input('Dernière année', { value: next + 5, inputmode: 'numeric', maxlength: 4 });
  const sourceId = uid('new-programme');
  const source = h(
    'select',
    { id: sourceId },
    programmes.map((p) => h('option', { value: p.id, selected: p === last }, p.label)),
  );
  const error = h('div', { class: 'form-errors' });
  const form = h(
    'form',
    { class: 'new-plan', 'data-testid': 'new-programme' },
    h('h2', null, 'Nouveau projet de programme'),
    h('div', { class: 'columns' }, id.box, label.box, shortName.box, firstYear.box, lastYear.box),
    h('div', { class: 'field' }, h('label', { for: sourceId }, 'Catalogue repris du programme'), source),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Créer le projet'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const first = Number(firstYear.el.value);
    const parsed = CreateProgrammeBody.safeParse({
      id: id.el.value.trim(),
      label: label.el.value,
      shortName: shortName.el.value,
      firstYear: first,
      lastYear: Number(lastYear.el.value),
      populationReferenceDate: `${first - 2}-01-01`,
      predecesseur: last?.id ?? null,
      soumissions: [
        {
          id: ANNUAL_REPORT_KIND,
          label: 'Rapport annuel',
          periodicite: 'annuelle',
          echeance: { mois: 3, jour: 31, decalage: 1 },
          checklist: ['fiche-plan', 'actions', 'fiches', 'realises', 'budget', 'constats'],
        },
      ],
      catalogueDe: source.value,
    });
    const show = (lines: string[]) =>
      replaceChildren(
        error,
        h(
          'div',
          { role: 'alert' },
          lines.map((l) => h('p', { class: 'field-error' }, l)),
        ),
      );
    if (!parsed.success) return show(parsed.error.issues.map((i) => `${i.path.join('.')} : ${i.message}`));
    try {
      await send(api.programmes.$post({ json: parsed.data }));
      onChanged();
      location.hash = programmesHref(parsed.data.id);
    } catch (err) {
      show(err instanceof ApiFailure && err.body.issues.length ? err.body.issues.map((i) => `${i.path} : ${i.message}`) : [failureMessage(err)]);
    }
  });
  return form;
}
