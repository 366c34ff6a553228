import { z } from 'zod';
import type { LocalDatabase } from '../db/client';
import { ConsultationRecords, sectionsOf } from '../consultations/consultationRecords';
import { applyFieldChanges } from '../../shared/consultation/diff';
import { canonicalSections } from '../../shared/consultation/normalize';
import { fieldLabel } from '../../shared/consultation/fields';
import { strictSectionsSchema } from '../../shared/consultation/sections';
import { editRefusal, isEditable } from '../../shared/consultation/status';
import { AppFailure } from '../../shared/errors';
import { after } from '../clock';
import { parseInput } from '../consultations/parseInput';
import type { Conflict } from '../../shared/sync';

export const resolveConflictSchema = z.strictObject({ conflictId: z.string().max(64), keep: z.enum(['ours', 'theirs']) });

/** Fields two laptops changed differently: the owner chooses which value stays. */
export class ConflictsService {
  private readonly records: ConsultationRecords;

  constructor(
    private readonly database: LocalDatabase,
    private readonly actorId: () => string,
  ) {
    this.records = new ConsultationRecords(database.db, database.sqlite);
  }

  list(input: unknown): Conflict[] {
    const { consultationId } = parseInput(z.strictObject({ consultationId: z.string().max(64) }), input);
    const rows = this.database.sqlite
      .prepare(`SELECT id, field_path, our_value, their_value, created_at FROM consultation_conflicts WHERE consultation_id = ? AND resolved_at IS NULL ORDER BY created_at, field_path`)
      .all(consultationId) as { id: string; field_path: string; our_value: string; their_value: string; created_at: string }[];
    return rows.map((r) => ({ id: r.id, path: r.field_path, label: fieldLabel(r.field_path), ours: JSON.parse(r.our_value), theirs: JSON.parse(r.their_value), createdAt: r.created_at }));
  }

  /** "theirs" is already the content; "ours" brings this device's value back as a new version. */
  resolve(input: unknown): { resolved: true } {
    const { conflictId, keep } = parseInput(resolveConflictSchema, input);
    const actor = this.actorId();
    const sqlite = this.database.sqlite;
    sqlite
      .transaction(() => {
        const conflict = sqlite.prepare('SELECT * FROM consultation_conflicts WHERE id = ? AND resolved_at IS NULL').get(conflictId) as
          | { consultation_id: string; field_path: string; our_value: string }
          | undefined;
        if (!conflict) throw new AppFailure('not_found', 'This conflict was already resolved.');
        const row = this.records.require(conflict.consultation_id);
        if (row.userId !== actor) throw new AppFailure('forbidden', 'Only the owner resolves conflicts.');
        if (!isEditable(row.status)) throw new AppFailure('invalid_state', editRefusal(row.status));
        const timestamp = after(row.updatedAt);
        if (keep === 'ours') {
          const ours = JSON.parse(conflict.our_value) as unknown;
          const sections = canonicalSections(applyFieldChanges(sectionsOf(row), [{ path: conflict.field_path, after: ours ?? undefined }]));
          strictSectionsSchema.parse(sections);
          this.records.writeContentVersion(row, actor, sections, {
            changedFields: [conflict.field_path],
            changeSummary: `Resolved conflict: kept this device's ${fieldLabel(conflict.field_path)}`,
            createdAt: timestamp,
          });
        }
        sqlite.prepare('UPDATE consultation_conflicts SET resolved_at = ? WHERE id = ?').run(timestamp, conflictId);
      })
      .immediate();
    return { resolved: true };
  }
}
