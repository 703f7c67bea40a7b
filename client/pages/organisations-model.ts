import { formatBelgianNumber } from '../../schemas/numbers.ts';
import { pathOfIssue } from '../../schemas/plan-path.ts';
import { OrganisationFieldsSchema, associationTotals, type Organisation, type OrganisationFieldsInput, type OrganisationKind } from '../../schemas/porteur.ts';
import type { Plan } from '../../schemas/plan.ts';
import { ApiFailure } from '../api.ts';

/**
 * The model of the « Organisations » page (the view is `organisations.ts`): the list, the form of one organisation
 * (kind, name, commune, members with the lead commune, ISADF and population as typed), checked by the server's own
 * schema field by field before it is sent, then the server's answer (a 409 reloads, its issues go to their fields),
 * and the creation of a plan for an organisation. Requests are injected, so it is tested without a DOM.
 */

/** A member row as typed: text fields, Belgian numbers (« 0,112 », « 15.000 »). */
export type MemberDraft = { commune: string; isadf: string; population: string; pilote: boolean };
export type OrganisationDraft = { id: string | null; version: number; nature: OrganisationKind; nom: string; commune: string; membres: MemberDraft[] };

export type OrganisationRequests = {
  list: () => Promise<Organisation[]>;
  create: (body: OrganisationFieldsInput) => Promise<Organisation>;
  update: (id: string, version: number, data: OrganisationFieldsInput) => Promise<Organisation>;
  createPlan: (id: string, programmeId: string) => Promise<Plan>;
};

/** Field path (`nom`, `membres.1.isadf`) → French message. */
export type FieldErrors = Record<string, string>;

const emptyMember = (): MemberDraft => ({ commune: '', isadf: '', population: '', pilote: false });

/** A blank form of the kind: an association starts with two member rows, the first one the lead commune. */
export function newDraft(nature: OrganisationKind = 'commune'): OrganisationDraft {
  return {
    id: null,
    version: 0,
    nature,
    nom: '',
    commune: '',
    membres: nature === 'association' ? [{ ...emptyMember(), pilote: true }, emptyMember()] : [],
  };
}

/** The form of a stored organisation, numbers written the Belgian way. */
export function draftOf(o: Organisation): OrganisationDraft {
  return {
    id: o.id,
    version: o.version,
    nature: o.nature,
    nom: o.nom,
    commune: o.commune ?? '',
    membres: o.membres.map((m) => ({
      commune: m.commune,
      isadf: m.isadf === null ? '' : formatBelgianNumber(m.isadf, 3),
      population: m.population === null ? '' : String(m.population),
      pilote: m.pilote,
    })),
  };
}

/** The body the form sends: blanks are null, the population's thousands separators dropped; members only for an association. */
export function bodyOf(d: OrganisationDraft): OrganisationFieldsInput {
  const population = (s: string) => {
    const digits = s.replace(/[\s.]/g, '');
    return digits === '' ? null : /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
  };
  return {
    nature: d.nature,
    nom: d.nom,
    commune: d.nature === 'association' ? null : d.commune.trim() || (d.nature === 'commune' ? d.nom.trim() || null : null),
    membres:
      d.nature === 'association'
        ? d.membres.map((m) => ({ commune: m.commune, isadf: m.isadf.trim() || null, population: population(m.population), pilote: m.pilote }))
        : [],
  };
}

/** The schema's issues, by field: what the page shows under each input before anything is sent. */
export function draftErrors(d: OrganisationDraft): FieldErrors {
  const parsed = OrganisationFieldsSchema.safeParse(bodyOf(d));
  if (parsed.success) return {};
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const path = pathOfIssue(issue.path);
    errors[path || 'nom'] ??= issue.message;
  }
  return errors;
}

/** « 3 communes · 143.500 habitants » of the members typed so far (blank population: not summed). */
export function membersSummary(d: OrganisationDraft): string {
  const parsed = bodyOf(d).membres ?? [];
  const totals = associationTotals(parsed.map((m) => ({ population: typeof m.population === 'number' && !Number.isNaN(m.population) ? m.population : null })));
  const people = totals.population === null ? 'population incomplète' : `${formatBelgianNumber(totals.population, 0)} habitants`;
  return `${totals.communes} commune${totals.communes > 1 ? 's' : ''} · ${people}`;
}

export function createOrganisationsModel(requests: OrganisationRequests) {
  let organisations: Organisation[] = [];
  let draft: OrganisationDraft | null = null;
  let errors: FieldErrors = {};
  let message: string | null = null;

  const self = {
    organisations: () => organisations,
    draft: () => draft,
    errors: () => errors,
    /** The form's general message (a conflict, a refusal without field). */
    message: () => message,
    async load(): Promise<void> {
      organisations = await requests.list();
    },
    edit(next: OrganisationDraft | null): void {
      draft = next;
      errors = {};
      message = null;
    },
    /** Changes the kind: an association gets member rows, the others lose them. */
    setNature(nature: OrganisationKind): void {
      if (!draft) return;
      draft.nature = nature;
      if (nature === 'association' && draft.membres.length === 0) draft.membres = newDraft('association').membres;
      if (nature !== 'association') draft.membres = [];
    },
    addMember(): void {
      draft?.membres.push(emptyMember());
    },
    removeMember(index: number): void {
      draft?.membres.splice(index, 1);
    },
    /** Exactly one lead commune: checking one unchecks the others. */
    setPilote(index: number): void {
      draft?.membres.forEach((m, i) => {
        m.pilote = i === index;
      });
    },
    /**
     * Checks the form with the schema, then sends it; answers the stored organisation, or null with the errors on
     * their fields (the server's issues too: `data.membres.0.isadf` goes to `membres.0.isadf`).
     */
    async save(): Promise<Organisation | null> {
      const d = draft;
      if (!d) return null;
      errors = draftErrors(d);
      message = null;
      if (Object.keys(errors).length) return null;
      try {
        const body = bodyOf(d);
        const saved = d.id ? await requests.update(d.id, d.version, body) : await requests.create(body);
        await self.load();
        draft = null;
        return saved;
      } catch (err) {
        if (!(err instanceof ApiFailure)) throw err;
        message = err.body.message;
        for (const issue of err.body.issues) errors[issue.path.replace(/^data\./, '')] ??= issue.message;
        if (err.isConflict && d.id) {
          await self.load();
          const current = organisations.find((o) => o.id === d.id);
          if (current) d.version = current.version;
          message = `${err.body.message} : la version enregistrée est rechargée dans la liste, enregistrez à nouveau pour la remplacer.`;
        }
        return null;
      }
    },
    async createPlan(organisationId: string, programmeId: string): Promise<Plan> {
      const plan = await requests.createPlan(organisationId, programmeId);
      await self.load();
      return plan;
    },
  };
  return self;
}
export type OrganisationsModel = ReturnType<typeof createOrganisationsModel>;
