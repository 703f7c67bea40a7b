import { describe, expect, it } from 'vitest';
import { loadFormDefinitions } from '../../server/form-definitions.ts';
import { blankGroupItem, blankRow, documentPathOf, saveStateText, tableColumns } from '../../client/pages/forms-model.ts';
import { formDataSchema } from '../../schemas/form-document.ts';

const application = loadFormDefinitions().get('demande-projet-sante-communautaire')!;
const evaluation = loadFormDefinitions().get('evaluation-groupes-de-travail')!;
const table = application.sections.find((s) => s.id === 'activites')!.fields[0]!;
const group = evaluation.sections.find((s) => s.id === 'evaluation')!.fields[0]!;

describe('the form documents page model', () => {
  it('turns a table field into grid columns: amounts in cents, closed lists, dates, required marked', () => {
    if (table.kind !== 'table') throw new Error('table expected');
    const columns = tableColumns(table.columns);
    expect(columns.map((c) => [c.key, c.kind, c.title])).toEqual([
      ['activite', 'text', 'Activité *'],
      ['theme', 'select', 'Thème'],
      ['public', 'text', 'Public visé'],
      ['lieu', 'text', 'Lieux d’implantation des activités'],
      ['debut', 'date', 'Début'],
      ['fin', 'date', 'Fin'],
      ['budget', 'number', 'Budget'],
    ]);
    expect(columns.find((c) => c.key === 'budget')).toMatchObject({ kind: 'number', scale: 2 });
  });

  it('adds blank rows and blocks that the document schema accepts as they are', () => {
    if (table.kind !== 'table' || group.kind !== 'group') throw new Error('table and group expected');
    const data = {
      activites: { activites: [blankRow(table.columns)] },
    };
    expect(formDataSchema(application).safeParse(data).success).toBe(true);
    expect(blankGroupItem(group)).toEqual({ nom: null, objectifs: [], difficultes: [], resultats: [], propositions: [] });
    expect(formDataSchema(evaluation).safeParse({ evaluation: { groupes: [blankGroupItem(group)] } }).success).toBe(true);
  });

  it('says where a refusal points and what the status line reads', () => {
    expect(documentPathOf('data.evaluation.groupes.1.nom')).toBe('evaluation.groupes.1.nom');
    expect(saveStateText({ kind: 'refused', message: 'x' })).toBe('Non enregistré : x');
    expect(saveStateText({ kind: 'saved' })).toBe('Enregistré');
  });
});
