/**
 * Hash routes, so that the server serves one page and every screen has an address a user can bookmark:
 * `#/` plans, `#/organisations`, `#/programmes[/<id>]` (the programmes and their drafts), `#/region[?programme=<id>]`
 * (the DiCS's overview of a programme's plans), `#/plan/<id>/<section>`,
 * `#/plan/<id>/fiche/<actionId>`, `#/plan/<id>/finances/<page>[/<year>]`, `#/plan/<id>/rapport[/<year>][?type=<kind>]`
 * (the submissions to the DiCS: the annual report unless a kind of the programme is named), `#/region/queue[/<programme>]`
 * (the DiCS's review queue); `?focus=<path>` puts the cursor on a field.
 */
export const FINANCE_VIEWS = ['rapprochement', 'budgets', 'transferts', 'imputations'] as const;
export type FinanceView = (typeof FINANCE_VIEWS)[number];

export type Route =
  | { page: 'plans' }
  /** The communes, associations and CPAS (administrator, DiCS). */
  | { page: 'organisations' }
  /** The e-mails the application sent or keeps in its outbox (administrator). */
  | { page: 'outbox' }
  /** The programmes, and one of them when `programmeId` is set. */
  | { page: 'programmes'; programmeId: string | null }
  /** The DiCS's review queue of a programme (null: the page's default programme). */
  | { page: 'queue'; programmeId: string | null }
  /** The DiCS's overview of a programme's plans (null: the current published programme). */
  | { page: 'region'; programmeId: string | null }
  | { page: 'section'; planId: string; section: string; focus: string | null }
  | { page: 'fiche'; planId: string; actionId: string; focus: string | null }
  /** `year` is null when the address names none (the page picks its default year). */
  | { page: 'finance'; planId: string; view: FinanceView; year: number | null; focus: string | null }
  /** The submission of `kind` (null: the annual report, or the programme's first kind) for `year` (null: the page's default year). */
  | { page: 'report'; planId: string; year: number | null; kind: string | null; focus: string | null }
  /** The plan's form documents (evaluations, applications…), or one of them. */
  | { page: 'forms'; planId: string; documentId: string | null; focus: string | null }
  /** The consolidation of a programme's plans (DiCS): `?programme=<id>&lignes=<dimensions>`. */
  | { page: 'consolidation'; programmeId: string | null; lignes: string | null };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const focus = params.get('focus');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'organisations') return { page: 'organisations' };
  if (parts[0] === 'courriels') return { page: 'outbox' };
  if (parts[0] === 'region' && parts.length === 1) return { page: 'region', programmeId: params.get('programme') };
  if (parts[0] === 'region' && parts[1] === 'consolidation')
    return { page: 'consolidation', programmeId: params.get('programme'), lignes: params.get('lignes') };
  if (parts[0] === 'plan' && parts[1]) {
    if (parts[2] === 'fiche' && parts[3]) return { page: 'fiche', planId: parts[1], actionId: parts[3], focus };
    if (parts[2] === 'finances') {
      const view = FINANCE_VIEWS.find((v) => v === parts[3]) ?? 'rapprochement';
      const year = /^\d{4}$/.test(parts[4] ?? '') ? Number(parts[4]) : null;
      return { page: 'finance', planId: parts[1], view, year, focus };
    }
    if (parts[2] === 'formulaires') return { page: 'forms', planId: parts[1], documentId: parts[3] ?? null, focus };
    if (parts[2] === 'rapport') {
      const year = /^\d{4}$/.test(parts[3] ?? '') ? Number(parts[3]) : null;
      return { page: 'report', planId: parts[1], year, kind: params.get('type'), focus };
    }
    return { page: 'section', planId: parts[1], section: parts[2] ?? 'porteur', focus };
  }
  if (parts[0] === 'programmes') return { page: 'programmes', programmeId: parts[1] ?? null };
  if (parts[0] === 'region' && parts[1] === 'queue') return { page: 'queue', programmeId: parts[2] ?? null };
  return { page: 'plans' };
}

export const ORGANISATIONS_HREF = '#/organisations';
export const OUTBOX_HREF = '#/courriels';

export function sectionHref(planId: string, section: string, focus?: string): string {
  return `#/plan/${encodeURIComponent(planId)}/${section}${focus ? `?focus=${encodeURIComponent(focus)}` : ''}`;
}

export function ficheHref(planId: string, actionId: string, focus?: string): string {
  return `#/plan/${encodeURIComponent(planId)}/fiche/${encodeURIComponent(actionId)}${focus ? `?focus=${encodeURIComponent(focus)}` : ''}`;
}

/** `#/plan/<id>/finances/rapprochement/<année>`; without a year, the page's default year. */
export function financeHref(planId: string, view: FinanceView, year?: number | null, focus?: string): string {
  return `#/plan/${encodeURIComponent(planId)}/finances/${view}${year ? `/${year}` : ''}${focus ? `?focus=${encodeURIComponent(focus)}` : ''}`;
}

/** `#/plan/<id>/rapport/<année>[?type=<kind>]`; without a year, the page's default year; without a kind, the annual report. */
export function reportHref(planId: string, year?: number | null, kind?: string | null): string {
  return `#/plan/${encodeURIComponent(planId)}/rapport${year ? `/${year}` : ''}${kind ? `?type=${encodeURIComponent(kind)}` : ''}`;
}

/** `#/plan/<id>/formulaires`, or `#/plan/<id>/formulaires/<document>` for one document. */
export function formsHref(planId: string, documentId?: string | null): string {
  return `#/plan/${encodeURIComponent(planId)}/formulaires${documentId ? `/${encodeURIComponent(documentId)}` : ''}`;
}

/** `#/programmes`, or `#/programmes/<id>` for one programme. */
export function programmesHref(programmeId?: string | null): string {
  return `#/programmes${programmeId ? `/${encodeURIComponent(programmeId)}` : ''}`;
}

/** `#/region/queue`, or `#/region/queue/<programme>` for one programme's queue. */
export function queueHref(programmeId?: string | null): string {
  return `#/region/queue${programmeId ? `/${encodeURIComponent(programmeId)}` : ''}`;
}

/** `#/region`, or `#/region?programme=<id>` for one programme. */
export function regionHref(programmeId?: string | null): string {
  return `#/region${programmeId ? `?programme=${encodeURIComponent(programmeId)}` : ''}`;
}

/** `#/region/consolidation[?programme=<id>&lignes=<dimensions>]`. */
export function consolidationHref(programmeId?: string | null, lignes?: string | null): string {
  const q = new URLSearchParams();
  if (programmeId) q.set('programme', programmeId);
  if (lignes) q.set('lignes', lignes);
  const query = q.toString();
  return `#/region/consolidation${query ? `?${query}` : ''}`;
}
