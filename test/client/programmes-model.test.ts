import { describe, expect, it } from 'vitest';
import { loadReferenceData } from '../../server/reference.ts';
import type { ProgrammeRecord } from '../../schemas/requests/programmes.ts';
import {
  actionRowsOf,
  catalogueBodyOf,
  definitionBodyOf,
  echeanceText,
  formOf,
  newKindRow,
  placeIssues,
  prolongationText,
  statusLabel,
  yearsText,
} from '../../client/pages/programmes-model.ts';

/** The programmes page's model, on the programmes as shipped: how they read, and the bodies the draft's form sends. */

const { programmes, catalogues } = loadReferenceData();
const current = programmes.find((p) => p.statut === 'publie' && p.prolongation)!;
const draft = programmes.find((p) => p.statut === 'brouillon')!;
const record = (): ProgrammeRecord => ({ programme: draft, catalogue: catalogues[draft.catalogue]!, version: 3, updatedAt: '', updatedBy: null, planCount: 0 });

describe('how a programme reads', () => {
  it('names the extension as the extension it is, with its decision', () => {
    expect(prolongationText(current)).toBe(`prolongé jusqu'au 31 décembre ${current.years.at(-1)} (décision : ${current.prolongation!.decision})`);
    expect(prolongationText(draft)).toBeNull();
    expect([statusLabel(current), statusLabel(draft)]).toEqual(['Publié', 'Projet']);
    expect(yearsText(current)).toBe(`${current.years[0]}-${current.years.at(-1)} (${current.years.length} ans)`);
  });

  it('words due dates: annual after the year, unique on its date', () => {
    expect(echeanceText(current.soumissions[0]!)).toBe('31 mars de l’année suivante');
    const unique = draft.soumissions.find((k) => k.periodicite === 'unique')!;
    expect(echeanceText(unique)).toMatch(/^\d{1,2}(er)? [a-zéû]+ \d{4} \(année \d{4}\)$/);
  });
});

describe('the draft form', () => {
  it('sends back the draft unchanged, with the version it read', () => {
    const body = definitionBodyOf(formOf(draft), record());
    expect(body).toEqual({
      ok: true,
      body: expect.objectContaining({ version: 3, firstYear: draft.years[0], lastYear: draft.years.at(-1), soumissions: draft.soumissions }),
    });
  });

  it('keeps a start or an end date that is not the year’s first or last day while its year stays', () => {
    const offset = { ...record(), programme: { ...draft, start: `${draft.years[0]}-07-01`, end: `${draft.years.at(-1)}-06-30` } };
    const kept = definitionBodyOf(formOf(offset.programme), offset);
    expect(kept.ok && [kept.body.start, kept.body.end]).toEqual([`${draft.years[0]}-07-01`, `${draft.years.at(-1)}-06-30`]);
    const form = formOf(offset.programme);
    form.lastYear = String(draft.years.at(-1)! + 1);
    const moved = definitionBodyOf(form, offset);
    expect(moved.ok && [moved.body.start, moved.body.end]).toEqual([`${draft.years[0]}-07-01`, undefined]);
    const plain = definitionBodyOf(formOf(draft), record());
    expect(plain.ok && [plain.body.start, plain.body.end]).toEqual([undefined, undefined]);
  });

  it('names the fields at fault, as the server does: a blank year, a unique kind without its date', () => {
    const form = formOf(draft);
    form.lastYear = '';
    form.soumissions.push({ ...newKindRow(), id: 'bilan', label: 'Bilan', periodicite: 'unique', annee: String(draft.years[1]) });
    const body = definitionBodyOf(form, record());
    expect(body.ok).toBe(false);
    const paths = body.ok ? [] : body.issues.map((i) => i.path);
    expect(paths).toContain(`soumissions.${form.soumissions.length - 1}.echeance.date`);
    const placed = placeIssues(body.ok ? [] : body.issues, new Set(['lastYear', `soumissions.${form.soumissions.length - 1}.echeance.date`]));
    expect(placed.byField.has(`soumissions.${form.soumissions.length - 1}.echeance.date`)).toBe(true);
  });

  it('keeps the default indicators of an action kept by its code, and a blank objective is none', () => {
    const rows = actionRowsOf(record().catalogue);
    rows[0]!.intitule = 'Nouvel intitulé';
    rows.push({ code: '1.1.09', intitule: 'Ajoutée', objectif: ' ' });
    const body = catalogueBodyOf(rows, record());
    if (!body.ok) throw new Error(JSON.stringify(body.issues));
    expect(body.body.actions[0]).toEqual({ ...record().catalogue.actions[0]!, intitule: 'Nouvel intitulé' });
    expect(body.body.actions.at(-1)).toEqual({ code: '1.1.09', intitule: 'Ajoutée', objectif: null, indicators: [] });
    const bad = catalogueBodyOf([{ code: '1.1', intitule: '', objectif: '' }], record());
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['actions.0.code', 'actions.0.intitule']);
  });

  it('places an issue at its closest field and lists the others', () => {
    const placed = placeIssues(
      [
        { path: 'soumissions.0.echeance.mois', message: 'a' },
        { path: 'soumissions', message: 'b' },
        { path: 'prolongation', message: 'c' },
      ],
      new Set(['soumissions', 'soumissions.0.echeance']),
    );
    expect([...placed.byField]).toEqual([
      ['soumissions.0.echeance', ['a']],
      ['soumissions', ['b']],
    ]);
    expect(placed.unplaced).toEqual(['prolongation : c']);
  });
});
