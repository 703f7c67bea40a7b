import type { RowReferences } from '../../schemas/integrity.ts';
import { ApiFailure } from '../api.ts';
import { h } from '../dom.ts';
import { openDialog } from '../ui/dialog.ts';
import type { Permissions } from '../state/permissions.ts';

/**
 * Deleting a row other rows point at (a transfer funding fiches, an action on partner cards, a row a justification
 * or a DiCS question is about): the server answers 409 `in_use` with the list. The dialog shows it and, when every
 * reference can be detached, offers to detach them and delete (« Détacher de ces fiches et supprimer »); a DiCS
 * question keeps its row, and the dialog only says why.
 */
export type DeleteOutcome = 'deleted' | 'detached' | 'kept';

/** `query` of a deletion: its version, and the consent to detach when given. */
export const deleteQuery = (version: number, detacher: boolean) => ({ version: String(version), ...(detacher ? { detacher: '1' as const } : {}) });

/**
 * `permissions`, when given, keeps the detach button from a person whose role may not change the rows to detach
 * (the finance officer deleting a transfer may not change a fiche's operator): the dialog says whom to ask.
 */
export async function deleteRow(run: (detacher: boolean) => Promise<unknown>, permissions?: Pick<Permissions, 'canWrite' | 'denial'>): Promise<DeleteOutcome> {
  try {
    await run(false);
    return 'deleted';
  } catch (err) {
    if (!(err instanceof ApiFailure) || err.status !== 409 || err.body.code !== 'in_use') throw err;
    const refs = err.body.current as RowReferences | undefined;
    const allowed = !permissions || (refs?.references ?? []).every((r) => permissions.canWrite(r.path));
    const detachable = refs?.detachable === true && allowed;
    const choice = await openDialog({
      title: detachable ? 'Cette ligne est utilisée ailleurs' : 'Suppression impossible',
      body: [
        h('p', { 'data-testid': 'in-use-message' }, err.body.message),
        h(
          'ul',
          { class: 'in-use-list', 'data-testid': 'in-use-list' },
          err.body.issues.map((i) => h('li', null, i.message)),
        ),
        detachable ? h('p', { class: 'hint' }, 'Chaque ligne détachée est enregistrée dans l’historique du plan.') : null,
        refs?.detachable && !allowed && permissions
          ? h('p', { class: 'hint', 'data-testid': 'in-use-denied' }, `${permissions.denial('détacher ces lignes')} : demandez-le au chef de projet.`)
          : null,
      ].filter((n): n is HTMLParagraphElement | HTMLUListElement => n !== null),
      buttons: detachable
        ? [
            { value: 'cancel', label: 'Annuler' },
            { value: 'detach', label: refs!.detachLabel, primary: true },
          ]
        : [{ value: 'cancel', label: 'Fermer', primary: true }],
      cancelValue: 'cancel',
      testId: 'in-use-dialog',
    });
    if (choice !== 'detach') return 'kept';
    await run(true);
    return 'detached';
  }
}
