import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormDefinitionSchema, type FormDefinition } from '../schemas/form-definition.ts';
import { pathOfIssue } from '../schemas/plan-path.ts';

/** The kinds of form the server knows, by id, in the order of their files' names. */
export type FormKinds = ReadonlyMap<string, FormDefinition>;

export const FORMS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates', 'forms');

let defaultKinds: FormKinds | undefined;

/** `kinds` (read at start by server/main.ts, or a test's), else those of `templates/forms/`, read once. */
export function formKindsOr(kinds: FormKinds | undefined): FormKinds {
  if (kinds) return kinds;
  defaultKinds ??= loadFormDefinitions(FORMS_DIR);
  return defaultKinds;
}

/** A form definition that cannot be used: the server refuses to start with this message (file and field named). */
export class FormDefinitionError extends Error {}

/**
 * Reads and validates every `*.json` of `dir` (by default `templates/forms/`) as a form definition. A file that is
 * not JSON, breaks the schema, is not named after its `id`, or repeats another's id refuses them all, with the file
 * and the field: « Définition de formulaire templates/forms/x.json, champ sections.2.fields.1.kind : … ».
 * `shownDir` is how the folder is named in the message.
 */
export function loadFormDefinitions(dir: string = FORMS_DIR, shownDir = dir === FORMS_DIR ? 'templates/forms' : dir): FormKinds {
  const kinds = new Map<string, FormDefinition>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  for (const file of files) {
    const shown = `${shownDir}/${file}`;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      throw new FormDefinitionError(`Définition de formulaire ${shown} illisible : ce n’est pas du JSON valide (${(error as Error).message})`);
    }
    const parsed = FormDefinitionSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const more = parsed.error.issues.length > 1 ? ` (et ${parsed.error.issues.length - 1} autre(s) problème(s))` : '';
      throw new FormDefinitionError(`Définition de formulaire ${shown}, champ ${pathOfIssue(issue.path) || '(racine)'} : ${issue.message}${more}`);
    }
    const definition = parsed.data;
    const expected = file.replace(/\.json$/, '');
    if (definition.id !== expected) {
      throw new FormDefinitionError(`Définition de formulaire ${shown}, champ id : « ${definition.id} » doit être le nom du fichier (« ${expected} »)`);
    }
    kinds.set(definition.id, definition);
  }
  return kinds;
}
