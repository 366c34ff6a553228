import { format } from 'date-fns';
import { AppFailure, validationFailure } from '@shared/errors';
import { listQuerySchema, type Consultation } from '@shared/consultation/model';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, exportFileSchema, type ExportFile, type ImportReport } from '@shared/exportFile';
import type { FilePayload, ParsedInput } from '@shared/contract';
import type { ConsultationsService } from '../consultations/consultationsService';
import type { UsersService } from '../users/usersService';
import type { ConsultationStore } from '../store/consultationStore';
import { mergeStatusEvents, statusMovedBy } from '@shared/consultation/statusEvents';
import { checkConsultation, checkVersion, RowRefused, sectionColumns, sectionsOf, toConsultation, type ConsultationRow, type VersionRow } from '../store/rows';
import { deepEqual } from '@shared/consultation/diff';
import type { SummaryPdf, SummaryRequest } from '../pdf/summaryPdf';
import { consultationsCsv } from './csvExport';
import { now } from '../clock';
import { sinceLastVisitLines } from '@shared/consultation/visits';

/** PDF summaries, CSV and JSON exports, and JSON import: all of it reads and writes through the store. */
export class ExportsService {
  constructor(
    private readonly store: ConsultationStore,
    private readonly consultationsService: ConsultationsService,
    private readonly usersService: UsersService,
    private readonly pdf: SummaryPdf,
  ) {}

  /** What the summary prints: the working copy (what the consultant sees), or a chosen version, labelled. */
  private summaryRequest(input: ParsedInput<'exports.summaryPdf'>): SummaryRequest {
    const { consultation } = this.consultationsService.get({ consultationId: input.consultationId });
    const date = new Date(now());
    const version = input.versionNumber ? this.store.getVersion(consultation.id, input.versionNumber) : null;
    const sections = version?.sections ?? consultation.sections;
    const signState = this.consultationsService.get({ consultationId: consultation.id }).signOff;
    // The signature prints with the content it covers: the signed version, or a working copy still equal to it.
    const signedNumber = version ? (version.signOff ? version.versionNumber : null) : signState.changedSinceSigned ? null : signState.signedVersion;
    const signed =
      signedNumber === null ? null : version && version.versionNumber === signedNumber ? version : this.store.getVersion(consultation.id, signedNumber);
    const since = this.consultationsService.sinceLastVisitOf(this.store.require(consultation.id), sections);
    return {
      sections,
      versionLabel: version ? `Version ${version.versionNumber}` : `Working copy, ${format(date, 'd MMM yyyy')}`,
      consultantName: consultation.ownerName ?? version?.authorName ?? 'Fieldbook',
      date,
      status: version?.status ?? consultation.status,
      signOff: signed?.signOff ? { ...signed.signOff, signatureImage: signed.signatureImage, versionNumber: signed.versionNumber } : null,
      changedSinceSigned: !signed && !version && signState.changedSinceSigned ? signState.signedVersion : null,
      sinceLastVisit: since ? sinceLastVisitLines(since.changes) : null,
    };
  }

  /** The PDF summary of a consultation: its working copy, or a chosen version. */
  async summaryPdf(input: ParsedInput<'exports.summaryPdf'>): Promise<FilePayload> {
    const { fileName, bytes } = await this.pdf.render(this.summaryRequest(input));
    return { fileName, mimeType: 'application/pdf', base64: bytes.toString('base64') };
  }

  /** The same document to the system's print dialog (the desktop app). */
  async printSummary(input: ParsedInput<'exports.printSummary'>): Promise<{ printed: boolean }> {
    return { printed: await this.pdf.printDialog(this.summaryRequest(input)) };
  }

  private asConsultations(rows: ConsultationRow[]): Consultation[] {
    const actor = this.usersService.current()?.id ?? null;
    const names = this.store.userNames();
    return rows.map((row) => toConsultation(row, names.get(row.userId) ?? null, actor));
  }

  /** The list as the dashboard shows it (same filters and order), one column per field of the working copy. */
  csv(input: ParsedInput<'exports.csv'>): FilePayload {
    const query = listQuerySchema.parse({ ...input, cursor: undefined, limit: 200 });
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = this.consultationsService.list({ ...query, cursor });
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const text = consultationsCsv(this.asConsultations(this.store.byIds(ids)));
    return {
      fileName: `fieldbook-consultations-${format(new Date(), 'yyyy-MM-dd')}.csv`,
      mimeType: 'text/csv',
      base64: Buffer.from(text, 'utf8').toString('base64'),
    };
  }

  exportAll(): ExportFile {
    const versions = new Map<string, ExportFile['consultations'][number]['versions']>();
    for (const v of this.store.allVersions()) {
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
        ...(v.signerName && v.signedAt && v.contentHash
          ? { signOff: { signerName: v.signerName, signedAt: v.signedAt, signatureImage: v.signatureImage, contentHash: v.contentHash } }
          : {}),
      });
      versions.set(v.consultationId, list);
    }
    const consultations = this.store.allConsultations();
    const owners = new Set(consultations.map((c) => c.userId));
    return {
      format: EXPORT_FORMAT,
      formatVersion: EXPORT_FORMAT_VERSION,
      exportedAt: now(),
      users: [...owners].map((id) => this.store.user(id)).filter((u) => u !== undefined),
      consultations: consultations.map((c) => ({
        id: c.id,
        userId: c.userId,
        sections: sectionsOf(c),
        status: c.status,
        completionPercentage: c.completionPercentage,
        currentVersion: c.currentVersion,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        completedAt: c.completedAt,
        ...(c.followUpOf ? { followUpOf: c.followUpOf } : {}),
        statusEvents: c.statusEvents,
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
   * Merges an export into this database: same ids merge, never duplicate. Only the current consultant's own
   * consultations are taken: a teammate's are left out (their owner's laptops are where they change), and
   * an owner is never changed. A consultation whose history has gaps or contradicts this one refuses the
   * whole file, and nothing changes. A working copy typed here since its last version is never replaced.
   * `progress` hears how many of the file's consultations are done, before each one and at the end.
   */
  importAll({ text }: ParsedInput<'exports.importJson'>, progress?: (done: number, total: number) => void): ImportReport {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AppFailure('validation', 'This file is not JSON, so it cannot be a Fieldbook export.');
    }
    const parsed = exportFileSchema.safeParse(raw);
    if (!parsed.success) {
      const formatIssue = parsed.error.issues.find((i) => i.path[0] === 'format' || i.path[0] === 'formatVersion');
      throw validationFailure(parsed.error, formatIssue?.message ?? 'This file is not a valid Fieldbook export. Nothing was imported.');
    }
    const file = parsed.data;
    const me = this.usersService.requireCurrentId();
    const report: ImportReport = { consultationsAdded: 0, consultationsUpdated: 0, versionsAdded: 0, unchanged: 0, skipped: [] };
    const refuse = (name: string, why: string) => new AppFailure('validation', `“${name}” cannot be imported: ${why} Nothing was imported.`);
    this.store.transaction(() => {
      const twin = file.users.find((u) => u.id !== me && file.consultations.some((c) => c.userId === u.id));
      if (twin) this.usersService.adoptIdentity(twin, this.store.countOwnedBy(me) === 0);
      const actor = this.usersService.requireCurrentId();
      const total = file.consultations.length;
      for (const [done, c] of file.consultations.entries()) {
        progress?.(done, total);
        const name = c.sections.contact_info.business_name ?? null;
        const existing = this.store.find(c.id);
        const skip = (reason: string) => report.skipped.push({ id: c.id, name, reason });
        if (c.userId !== actor) {
          skip('It belongs to a teammate: it changes only on its owner’s laptops.');
          continue;
        }
        if (existing && existing.userId !== c.userId) {
          skip('Here it belongs to someone else, and an import never changes an owner.');
          continue;
        }
        let row: ConsultationRow;
        let fileVersions: VersionRow[];
        try {
          const { sections, versions: _versions, ...rest } = c;
          row = checkConsultation({ ...rest, ...sectionColumns(sections) });
          fileVersions = c.versions.map(({ sections: vs, signOff, ...v }) => checkVersion({ ...v, ...signOff, consultationId: c.id, ...sectionColumns(vs) }));
        } catch (error) {
          if (error instanceof RowRefused) throw refuse(name ?? c.id, `${error.reason}.`);
          throw error;
        }
        if (fileVersions.some((v) => v.userId !== c.userId)) throw refuse(name ?? c.id, 'its history names another author.');
        if (new Set(fileVersions.map((v) => v.versionNumber)).size !== fileVersions.length)
          throw refuse(name ?? c.id, 'its history has two versions under one number.');
        const local = new Map(this.store.versionsOf(c.id).map((v) => [v.versionNumber, v.id]));
        const numbers = new Set(local.keys());
        for (const v of fileVersions) {
          const localId = local.get(v.versionNumber);
          if (localId && localId !== v.id) {
            throw new AppFailure('conflict', `Version ${v.versionNumber} of “${name ?? c.id}” differs between this device and the file. Nothing was imported.`);
          }
          numbers.add(v.versionNumber);
        }
        const newest = Math.max(row.currentVersion, existing?.currentVersion ?? 0);
        for (let n = 1; n <= newest; n += 1) {
          if (!numbers.has(n)) throw refuse(name ?? c.id, `its history has no version ${n}.`);
        }
        if (numbers.size !== newest) throw refuse(name ?? c.id, `it has versions past its current version ${newest}.`);
        const user = file.users.find((u) => u.id === c.userId);
        if (user) this.store.addUserIfNew(user);
        // Status moves only add up: this device's and the file's, each once.
        const movedBy = existing ? statusMovedBy(existing.statusEvents, row.statusEvents) : null;
        const movedInFile = movedBy === 'theirs';
        if (existing) row = { ...row, statusEvents: mergeStatusEvents(existing.statusEvents, row.statusEvents) };
        if (!existing) this.store.insert({ ...row, currentVersion: 0 });
        let added = 0;
        for (const v of fileVersions.sort((a, b) => a.versionNumber - b.versionNumber)) if (this.store.addVersionIfNew(v)) added += 1;
        report.versionsAdded += added;
        if (!existing) {
          this.store.replace(row);
          report.consultationsAdded += 1;
        } else if (row.currentVersion > existing.currentVersion) {
          const typedHere = !deepEqual(sectionsOf(existing), this.store.versionSections(existing.id, existing.currentVersion) ?? sectionsOf(existing));
          // Work typed here since its last version stays the working copy; it now reads as changed since the newer version.
          const next = typedHere
            ? { ...row, ...sectionColumns(sectionsOf(existing)), updatedAt: existing.updatedAt > row.updatedAt ? existing.updatedAt : row.updatedAt }
            : row;
          // A status this device moved after the file's copy was taken stands, as in sync.
          this.store.replace(movedBy === 'ours' ? { ...next, status: existing.status, completedAt: existing.completedAt } : next);
          report.consultationsUpdated += 1;
        } else if (movedInFile) {
          // Same content, but the file moved the status later than this device did (a status move is no version).
          const updatedAt = existing.updatedAt > row.updatedAt ? existing.updatedAt : row.updatedAt;
          this.store.moveStatus(existing.id, { status: row.status, completedAt: row.completedAt, statusEvents: row.statusEvents, updatedAt });
          report.consultationsUpdated += 1;
        } else if (added === 0) {
          report.unchanged += 1;
        } else {
          report.consultationsUpdated += 1;
        }
      }
      progress?.(total, total);
    });
    return report;
  }
}
