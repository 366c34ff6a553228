import { eq, inArray } from 'drizzle-orm';
import { format } from 'date-fns';
import type { LocalDatabase } from '../db/client';
import { consultations, consultationVersions, users } from '../db/schema';
import { AppFailure, validationFailure } from '../../shared/errors';
import { listQuerySchema, type Consultation, type ListQuery } from '../../shared/consultation/model';
import { canonicalSections } from '../../shared/consultation/normalize';
import type { Sections } from '../../shared/consultation/sections';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, exportFileSchema, type ExportFile, type ImportReport } from '../../shared/exportFile';
import type { ConsultationsService } from '../consultations/consultationsService';
import type { UsersService } from '../users/usersService';
import { sectionColumns, sectionsOf, toConsultation } from '../consultations/consultationRecords';
import type { SummaryPdf } from '../pdf/summaryPdf';
import { consultationsCsv } from './csvExport';
import { now } from '../clock';

export interface FilePayload {
  fileName: string;
  mimeType: string;
  base64: string;
}

/**
 * A file name every browser, shell and filesystem accepts: accents folded to ASCII ("Bäckerei" -> "Backerei"),
 * other characters dropped. Chromium without a UTF-8 locale replaces non-ASCII download names with
 * "download" (seen in CI); the PDF inside keeps the real name.
 */
export const safeFileName = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^A-Za-z0-9 ._-]+/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 80) || 'consultation';

/** PDF summaries, CSV and JSON exports, and JSON import. */
export class ExportsService {
  constructor(
    private readonly database: LocalDatabase,
    private readonly consultationsService: ConsultationsService,
    private readonly usersService: UsersService,
    private readonly pdf: SummaryPdf,
  ) {}

  /** The PDF summary of a consultation: the working copy (what the form shows), or any saved version. */
  async summaryPdf(input: { consultationId: string; versionNumber?: number }): Promise<FilePayload> {
    const detail = this.consultationsService.get({ consultationId: input.consultationId });
    const date = new Date(now());
    const version = input.versionNumber ? this.consultationsService.getVersion({ consultationId: input.consultationId, versionNumber: input.versionNumber }) : null;
    const { fileName, bytes } = await this.pdf.render({
      sections: version?.sections ?? ((detail.draft?.sections ?? detail.consultation.sections) as Sections),
      versionLabel: version ? `Version ${version.versionNumber}` : `Working copy, ${format(date, 'd MMM yyyy')}`,
      consultantName: detail.consultation.ownerName ?? version?.authorName ?? 'Fieldbook',
      date,
      status: version?.status ?? detail.consultation.status,
    });
    return { fileName, mimeType: 'application/pdf', base64: bytes.toString('base64') };
  }

  private fullRows(ids: string[]): Consultation[] {
    const actor = this.usersService.current()?.id ?? null;
    const names = new Map(this.database.db.select({ id: users.id, name: users.name }).from(users).all().map((u) => [u.id, u.name]));
    const byId = new Map<string, Consultation>();
    for (let i = 0; i < ids.length; i += 500) {
      for (const row of this.database.db.select().from(consultations).where(inArray(consultations.id, ids.slice(i, i + 500))).all()) {
        byId.set(row.id, toConsultation(row, names.get(row.userId) ?? null, actor));
      }
    }
    return ids.map((id) => byId.get(id)!).filter(Boolean);
  }

  /** The list as the dashboard shows it (same filters and order), one column per field. */
  csv(input: ListQuery = {}): FilePayload {
    const query = listQuerySchema.parse({ ...input, cursor: undefined, limit: 200 });
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = this.consultationsService.list({ ...query, cursor });
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const text = consultationsCsv(this.fullRows(ids));
    return { fileName: `fieldbook-consultations-${format(new Date(), 'yyyy-MM-dd')}.csv`, mimeType: 'text/csv', base64: Buffer.from(text, 'utf8').toString('base64') };
  }

  exportAll(): ExportFile {
    const db = this.database.db;
    const versions = new Map<string, ExportFile['consultations'][number]['versions']>();
    for (const v of db.select().from(consultationVersions).orderBy(consultationVersions.consultationId, consultationVersions.versionNumber).all()) {
      const list = versions.get(v.consultationId) ?? [];
      list.push({
        id: v.id,
        versionNumber: v.versionNumber,
        userId: v.userId,
        sections: sectionsOf(v),
        status: v.status,
        completionPercentage: v.completionPercentage,
        changeSummary: v.changeSummary,
        changedFields: v.changedFields,
        note: v.note,
        createdAt: v.createdAt,
      });
      versions.set(v.consultationId, list);
    }
    return {
      format: EXPORT_FORMAT,
      formatVersion: EXPORT_FORMAT_VERSION,
      exportedAt: now(),
      users: db.select().from(users).orderBy(users.id).all(),
      consultations: db
        .select()
        .from(consultations)
        .orderBy(consultations.id)
        .all()
        .map((c) => ({
          id: c.id,
          userId: c.userId,
          sections: sectionsOf(c),
          status: c.status,
          completionPercentage: c.completionPercentage,
          currentVersion: c.currentVersion,
          createdAt: c.createdAt,
          updatedAt: c.updatedAt,
          completedAt: c.completedAt,
          versions: versions.get(c.id) ?? [],
        })),
    };
  }

  exportAllFile(): FilePayload {
    return {
      fileName: `fieldbook-export-${format(new Date(), 'yyyy-MM-dd')}.json`,
      mimeType: 'application/json',
      base64: Buffer.from(JSON.stringify(this.exportAll(), null, 2), 'utf8').toString('base64'),
    };
  }

  /**
   * Merges an export into this database: same ids merge, never duplicate. Versions are added by id; a
   * consultation takes the imported content when the import is further along. A file that is not a
   * Fieldbook export, or whose history contradicts this one, is refused whole and changes nothing.
   */
  importAll(input: { text: string }): ImportReport {
    let raw: unknown;
    try {
      raw = JSON.parse(input.text);
    } catch {
      throw new AppFailure('validation', 'This file is not JSON, so it cannot be a Fieldbook export.');
    }
    const parsed = exportFileSchema.safeParse(raw);
    if (!parsed.success) {
      const formatIssue = parsed.error.issues.find((i) => i.path[0] === 'format' || i.path[0] === 'formatVersion');
      throw validationFailure(parsed.error, formatIssue?.message ?? 'This file is not a valid Fieldbook export. Nothing was imported.');
    }
    const file = parsed.data;
    const sqlite = this.database.sqlite;
    const report: ImportReport = { consultationsAdded: 0, consultationsUpdated: 0, versionsAdded: 0, unchanged: 0 };
    const db = this.database.db;
    sqlite.transaction(() => {
      for (const user of file.users) db.insert(users).values(user).onConflictDoNothing().run();
      for (const c of file.consultations) {
        for (const v of c.versions) {
          if (v.versionNumber > c.currentVersion) throw new AppFailure('validation', `The export is inconsistent: consultation ${c.id} has a version past its current one. Nothing was imported.`);
        }
        const existing = db.select().from(consultations).where(eq(consultations.id, c.id)).get();
        const row = {
          id: c.id,
          userId: c.userId,
          ...sectionColumns(canonicalSections(c.sections)),
          status: c.status,
          completionPercentage: c.completionPercentage,
          currentVersion: c.currentVersion,
          createdAt: c.createdAt,
          updatedAt: c.updatedAt,
          completedAt: c.completedAt,
        };
        if (!existing) {
          db.insert(consultations).values(row).run();
          report.consultationsAdded += 1;
        }
        const localVersions = new Map(
          db.select({ id: consultationVersions.id, n: consultationVersions.versionNumber }).from(consultationVersions).where(eq(consultationVersions.consultationId, c.id)).all().map((v) => [v.n, v.id]),
        );
        let added = 0;
        for (const v of c.versions) {
          const localId = localVersions.get(v.versionNumber);
          if (localId === v.id) continue;
          if (localId) {
            throw new AppFailure('conflict', `Version ${v.versionNumber} of “${c.sections.contact_info.business_name ?? c.id}” differs between this device and the file. Nothing was imported.`);
          }
          db.insert(consultationVersions).values({ ...v, consultationId: c.id, ...sectionColumns(canonicalSections(v.sections)) }).run();
          added += 1;
        }
        report.versionsAdded += added;
        if (existing && c.currentVersion > existing.currentVersion) {
          db.update(consultations).set(row).where(eq(consultations.id, c.id)).run();
          report.consultationsUpdated += 1;
        } else if (existing && added === 0) {
          report.unchanged += 1;
        }
      }
    }).immediate();
    return report;
  }
}
