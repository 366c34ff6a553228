import type { ConsultationStore } from '../store/consultationStore';
import { sectionsOf } from '../store/rows';
import { assess } from '@shared/consultation/assessment';
import { deepEqual } from '@shared/consultation/diff';
import { applyEdits, storedForm } from '@shared/consultation/edits';
import { fieldLabel, getPath } from '@shared/consultation/fields';
import { editRefusal, isEditable } from '@shared/consultation/status';
import { AppFailure } from '@shared/errors';
import { after } from '../clock';
import type { ParsedInput } from '@shared/contract';
import type { Conflict } from '@shared/sync';

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/** Fields two laptops changed differently: the owner chooses which value stays. */
export class ConflictsService {
  constructor(
    private readonly store: ConsultationStore,
    private readonly actorId: () => string,
  ) {}

  list({ consultationId }: ParsedInput<'consultations.conflicts'>): Conflict[] {
    return this.store.openConflicts(consultationId).map((r) => ({
      id: r.id,
      path: r.field_path,
      label: fieldLabel(r.field_path),
      ours: parse(r.our_value),
      theirs: parse(r.their_value),
      createdAt: r.created_at,
    }));
  }

  /**
   * "theirs" is already in the working copy; "ours" puts this device's value back into it. Either way a
   * value typed after the conflict was found is never overwritten: the conflict just closes.
   */
  resolve({ conflictId, keep }: ParsedInput<'consultations.resolveConflict'>): { resolved: true } {
    const actor = this.actorId();
    this.store.transaction(() => {
      const conflict = this.store.openConflict(conflictId);
      if (!conflict) throw new AppFailure('not_found', 'This conflict was already resolved.');
      const row = this.store.require(conflict.consultation_id);
      if (row.userId !== actor) throw new AppFailure('forbidden', 'Only the owner resolves conflicts.');
      if (!isEditable(row.status)) throw new AppFailure('invalid_state', editRefusal(row.status));
      const timestamp = after(row.updatedAt);
      const sections = sectionsOf(row);
      const stillTheirs = deepEqual(storedForm(getPath(sections, conflict.field_path)), storedForm(parse(conflict.their_value)));
      if (keep === 'ours' && stillTheirs) {
        const { next, rejected } = applyEdits(sections, [{ path: conflict.field_path, value: parse(conflict.our_value) }]);
        // This device's value no longer fits (the consultation grew): the conflict stays open, nothing is dropped.
        if (rejected.length)
          throw new AppFailure('validation', `This device's ${fieldLabel(conflict.field_path)} cannot be kept: ${rejected[0]!.message}`, rejected);
        this.store.writeWorkingCopy(row.id, next, assess(next).completion.percentage, timestamp);
      }
      this.store.resolveConflict(conflictId, timestamp);
    });
    return { resolved: true };
  }
}
