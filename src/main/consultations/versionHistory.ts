import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { consultationVersions, users } from '../db/schema';
import { AppFailure } from '../../shared/errors';
import type { Version, VersionDiff, VersionSummary } from '../../shared/consultation/model';
import { diffFields } from '../../shared/consultation/diff';
import { sectionsOf } from './consultationRecords';

type VersionRow = typeof consultationVersions.$inferSelect;

function toSummary(row: VersionRow, authorName: string | null): VersionSummary {
  return {
    id: row.id,
    versionNumber: row.versionNumber,
    userId: row.userId,
    authorName,
    status: row.status,
    completionPercentage: row.completionPercentage,
    changeSummary: row.changeSummary,
    changedFields: row.changedFields,
    note: row.note,
    createdAt: row.createdAt,
  };
}

/** The numbered, append-only history of a consultation. */
export class VersionHistory {
  private readonly one;

  constructor(private readonly db: Db) {
    this.one = db
      .select({ row: consultationVersions, authorName: users.name })
      .from(consultationVersions)
      .leftJoin(users, eq(users.id, consultationVersions.userId))
      .where(
        and(
          eq(consultationVersions.consultationId, sql.placeholder('consultationId')),
          eq(consultationVersions.versionNumber, sql.placeholder('versionNumber')),
        ),
      )
      .prepare();
  }

  list(consultationId: string): VersionSummary[] {
    return this.db
      .select({ row: consultationVersions, authorName: users.name })
      .from(consultationVersions)
      .leftJoin(users, eq(users.id, consultationVersions.userId))
      .where(eq(consultationVersions.consultationId, consultationId))
      .orderBy(asc(consultationVersions.versionNumber))
      .all()
      .map(({ row, authorName }) => toSummary(row, authorName));
  }

  get(consultationId: string, versionNumber: number): Version {
    const found = this.one.get({ consultationId, versionNumber });
    if (!found) throw new AppFailure('not_found', `Version ${versionNumber} does not exist.`);
    return { ...toSummary(found.row, found.authorName), consultationId, sections: sectionsOf(found.row) };
  }

  diff(consultationId: string, from: number, to: number): VersionDiff {
    const a = this.get(consultationId, from);
    const b = this.get(consultationId, to);
    const changes = diffFields(a.sections, b.sections);
    if (a.status !== b.status) changes.push({ path: 'status', before: a.status, after: b.status });
    return { from, to, changes };
  }
}
