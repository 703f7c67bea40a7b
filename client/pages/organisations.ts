import {
  ORGANISATION_KINDS,
  ORGANISATION_KIND_LABELS,
  associationTotals,
  formatIsadf,
  porteurName,
  porteurOfOrganisation,
  type Organisation,
} from '../../schemas/porteur.ts';
import type { Programme } from '../../schemas/reference.ts';
import { formatBelgianNumber } from '../../schemas/numbers.ts';
import { api, send, failureMessage } from '../api.ts';
import { h, replaceChildren } from '../dom.ts';
import { sectionHref } from '../router.ts';
import { toast } from '../ui/dialog.ts';
import { accountMenu } from './account.ts';
import { createOrganisationsModel, draftOf, membersSummary, newDraft, type OrganisationsModel } from './organisations-model.ts';

/**
 * « Organisations », for an administrator or the DiCS: the communes, associations of communes and CPAS that carry
 * plans, a form to create or edit one (an association's members with the lead commune, ISADF and population), and
 * a plan created for one. The rules and requests are the model's (`organisations-model.ts`).
 */
export async function renderOrganisationsPage(programmes: Programme[]): Promise<HTMLElement> {
  const model = createOrganisationsModel({
    list: () => send(api.organisations.$get()) as Promise<Organisation[]>,
    create: (json) => send(api.organisations.$post({ json })) as Promise<Organisation>,
    update: (organisationId, version, data) =>
      send(api.organisations[':organisationId'].$put({ param: { organisationId }, json: { version, data } })) as Promise<Organisation>,
    createPlan: (organisationId, programmeId) => send(api.organisations[':organisationId'].plans.$post({ param: { organisationId }, json: { programmeId } })),
  });
  await model.load();
  const body = h('div', { class: 'organisations-body' });
  const rerender = () => replaceChildren(body, listSection(model, programmes, rerender), formSection(model, rerender));
  rerender();
  return h(
    'main',
    { id: 'main', class: 'plans-page organisations-page' },
    h(
      'header',
      { class: 'app-header' },
      h('h1', null, 'Cohésio'),
      h('p', null, h('a', { href: '#/' }, '← Plans'), ' · Organisations (communes, associations, CPAS)'),
      accountMenu(),
    ),
    body,
  );
}

/** A click that changes the model, then redraws the page. */
const redrawAfter = (rerender: () => void, change: () => void) => () => {
  change();
  rerender();
};

/** « Waremme (pilote) · ISADF 0,112 ; Namur · ISADF 0,095 » */
const membersText = (o: Organisation) => o.membres.map((m) => `${m.commune}${m.pilote ? ' (pilote)' : ''} · ISADF ${formatIsadf(m.isadf)}`).join(' ; ');

function listSection(model: OrganisationsModel, programmes: Programme[], rerender: () => void): HTMLElement {
  const programme = h(
    'select',
    { id: 'organisation-programme' },
    programmes.map((p) => h('option', { value: p.id }, p.label)),
  );
  const rows = model.organisations().map((o) => {
    const totals = o.nature === 'association' ? associationTotals(o.membres) : null;
    const createPlan = async () => {
      try {
        const plan = await model.createPlan(o.id, programme.value);
        location.hash = sectionHref(plan.id, 'porteur');
      } catch (err) {
        toast(failureMessage(err), 'error');
      }
    };
    return h(
      'tr',
      { 'data-organisation': o.nom },
      h('td', null, o.nom, h('div', { class: 'muted' }, porteurName(porteurOfOrganisation(o)))),
      h('td', null, ORGANISATION_KIND_LABELS[o.nature]),
      h('td', null, o.nature === 'association' ? membersText(o) : (o.commune ?? o.nom)),
      h('td', { class: 'num' }, totals?.population == null ? '—' : formatBelgianNumber(totals.population, 0)),
      h(
        'td',
        null,
        o.plans.map((p) =>
          h('a', { href: sectionHref(p.id, 'porteur'), class: 'plan-link' }, programmes.find((x) => x.id === p.programmeId)?.label ?? p.programmeId),
        ),
      ),
      h(
        'td',
        null,
        h('button', { type: 'button', onclick: redrawAfter(rerender, () => model.edit(draftOf(o))) }, 'Modifier'),
        ' ',
        h('button', { type: 'button', onclick: () => void createPlan() }, 'Créer un plan'),
      ),
    );
  });
  return h(
    'section',
    null,
    h('h2', null, 'Organisations'),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', class: 'primary', onclick: redrawAfter(rerender, () => model.edit(newDraft())) }, 'Nouvelle organisation'),
      h('label', { for: 'organisation-programme' }, 'Programme des plans créés'),
      programme,
    ),
    rows.length === 0
      ? h('p', null, 'Aucune organisation pour l’instant.')
      : h(
          'table',
          { class: 'plans-table organisations-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Nom', 'Nature', 'Commune(s)', 'Population', 'Plans', ''].map((t) => h('th', null, t)),
            ),
          ),
          h('tbody', null, rows),
        ),
  );
}

/** A labelled input with its error message under it (`data-error-for` the field's path). */
function field(label: string, id: string, input: HTMLElement, error: string | undefined): HTMLElement {
  if (error) input.setAttribute('aria-invalid', 'true');
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    input,
    error ? h('p', { class: 'field-error', role: 'alert', 'data-error-for': id }, error) : null,
  );
}

function formSection(model: OrganisationsModel, rerender: () => void): HTMLElement | null {
  const d = model.draft();
  if (!d) return null;
  const errors = model.errors();
  const nature = h(
    'select',
    {
      id: 'organisation-nature',
      onchange: (e: Event) => redrawAfter(rerender, () => model.setNature((e.target as HTMLSelectElement).value as typeof d.nature))(),
    },
    ORGANISATION_KINDS.map((k) => h('option', { value: k, selected: k === d.nature }, ORGANISATION_KIND_LABELS[k])),
  );
  const nom = h('input', {
    type: 'text',
    id: 'organisation-nom',
    value: d.nom,
    autocomplete: 'off',
    oninput: (e: Event) => (d.nom = (e.target as HTMLInputElement).value),
  });
  const commune = h('input', {
    type: 'text',
    id: 'organisation-commune',
    value: d.commune,
    autocomplete: 'off',
    oninput: (e: Event) => (d.commune = (e.target as HTMLInputElement).value),
  });
  const save = async () => {
    const saved = await model.save();
    if (saved) toast(`Organisation enregistrée : ${saved.nom}`);
    rerender();
  };
  const form = h(
    'form',
    { class: 'new-plan organisation-form', 'data-testid': 'organisation-form' },
    h('h2', null, d.id ? `Modifier « ${d.nom} »` : 'Nouvelle organisation'),
    field('Nature', 'organisation-nature', nature, errors.nature),
    field(d.nature === 'association' ? 'Nom de l’association' : 'Nom', 'organisation-nom', nom, errors.nom),
    d.nature === 'association'
      ? null
      : field(d.nature === 'cpas' ? 'Commune du CPAS' : 'Commune (si autre que le nom)', 'organisation-commune', commune, errors.commune),
    d.nature === 'association' ? membersTable(model, rerender) : null,
    model.message() ? h('p', { class: 'field-error', role: 'alert' }, model.message()) : null,
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'submit', class: 'primary' }, 'Enregistrer'),
      h('button', { type: 'button', onclick: redrawAfter(rerender, () => model.edit(null)) }, 'Annuler'),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void save();
  });
  return form;
}

/** The members of an association: commune, ISADF, population, the lead commune (one radio for all), a row removed. */
function membersTable(model: OrganisationsModel, rerender: () => void): HTMLElement {
  const d = model.draft()!;
  const errors = model.errors();
  const summary = h('p', { class: 'muted', 'data-testid': 'members-summary' }, membersSummary(d));
  const cell = (i: number, key: 'commune' | 'isadf' | 'population', label: string) => {
    const id = `membre-${i}-${key}`;
    const input = h('input', {
      type: 'text',
      id,
      'aria-label': `${label} (commune ${i + 1})`,
      value: d.membres[i]![key],
      inputmode: key === 'commune' ? null : 'decimal',
      oninput: (e: Event) => {
        d.membres[i]![key] = (e.target as HTMLInputElement).value;
        summary.textContent = membersSummary(d);
      },
    });
    const error = errors[`membres.${i}.${key}`];
    if (error) input.setAttribute('aria-invalid', 'true');
    return h('td', null, input, error ? h('p', { class: 'field-error', role: 'alert', 'data-error-for': id }, error) : null);
  };
  return h(
    'fieldset',
    { class: 'organisation-members' },
    h('legend', null, 'Communes membres'),
    h(
      'table',
      { class: 'plans-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Commune', 'ISADF (ex. 0,112)', 'Population', 'Commune pilote', ''].map((t) => h('th', null, t)),
        ),
      ),
      h(
        'tbody',
        null,
        d.membres.map((m, i) =>
          h(
            'tr',
            null,
            cell(i, 'commune', 'Commune'),
            cell(i, 'isadf', 'ISADF'),
            cell(i, 'population', 'Population'),
            h(
              'td',
              null,
              h('input', {
                type: 'radio',
                name: 'pilote',
                'aria-label': `Commune pilote (commune ${i + 1})`,
                checked: m.pilote,
                onchange: () => model.setPilote(i),
              }),
            ),
            h('td', null, h('button', { type: 'button', onclick: redrawAfter(rerender, () => model.removeMember(i)) }, 'Retirer')),
          ),
        ),
      ),
    ),
    errors.membres ? h('p', { class: 'field-error', role: 'alert', 'data-error-for': 'membres' }, errors.membres) : null,
    summary,
    h('button', { type: 'button', onclick: redrawAfter(rerender, () => model.addMember()) }, 'Ajouter une commune'),
  );
}
