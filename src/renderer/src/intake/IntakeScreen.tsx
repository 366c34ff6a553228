import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { Link, useLocation } from 'wouter';
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';
import { ApiError } from '../api/client';
import { keys, useConsultation, useOperation } from '../api/queries';
import type { ConsultationDetail, AutosaveResult } from '@shared/consultation/model';
import type { FieldConflict } from '@shared/consultation/edits';
import { FIELD_BY_PATH, FIELDS, fieldLabel, fieldPathOf, getPath } from '@shared/consultation/fields';
import { deepEqual } from '@shared/consultation/diff';
import type { WorkingSections } from '@shared/consultation/sections';
import { STATUS_LABELS } from '@shared/consultation/status';
import { useAutosave } from './useAutosave';
import { versionResolver } from './versionResolver';
import { FieldInput, fieldId } from './FieldInput';
import { ReviewStep } from './ReviewStep';
import { STEPS, stepIndex, stepOfSection } from './steps';
import { SaveIndicator } from '../components/SaveIndicator';
import { ConflictsPanel, showConflictValue } from './ConflictsPanel';
import { CompletionMeter } from '../components/CompletionMeter';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ExportButton } from '../components/ExportButton';
import { ErrorNotice } from '../components/ErrorNotice';
import { useHotkeys } from '../hooks/useHotkeys';
import { WhyDisabled, disabledBecause } from '../components/WhyDisabled';
import { SignOffDialog } from './SignOffDialog';
import { LastVisitMark, SinceLastVisit, lastVisitContent } from './LastVisit';

export function IntakeScreen({ consultationId, step }: { consultationId: string; step?: string }) {
  const query = useConsultation(consultationId);
  // Never start the form from cached data: its fields' bases would be stale and every edit a conflict.
  if (query.isPending || (!query.isFetchedAfterMount && !query.isError)) return <p role="status">Loading…</p>;
  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  // One form per consultation: what is saved anywhere (another window, sync, a new version, a restore) comes
  // in field by field, and never replaces a field this window is typing in.
  return <IntakeForm detail={query.data} step={step} />;
}

function IntakeForm({ detail, step }: { detail: ConsultationDetail; step?: string }) {
  const api = useApi();
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const { consultation } = detail;
  const id = consultation.id;
  const editable = consultation.isOwn && consultation.status === 'draft';
  const current = stepIndex(step);
  const currentStep = STEPS[current]!;

  const form = useForm<WorkingSections>({
    defaultValues: consultation.sections,
    resolver: versionResolver,
    mode: 'onTouched',
  });
  const [notes, setNotes] = useState(detail.notes ?? '');
  const [completion, setCompletion] = useState(detail.completion);
  // Answers that break the version rules, by section: the step list marks where they are.
  const [issues, setIssues] = useState(detail.issues);
  const [notesError, setNotesError] = useState<string | null>(null);
  const [changed, setChanged] = useState(detail.changedSinceVersion);
  const [conflicts, setConflicts] = useState<FieldConflict[]>([]);
  const [versionNote, setVersionNote] = useState('');
  const [actionError, setActionError] = useState<unknown>(null);
  const [focusPath, setFocusPath] = useState<string | null>(null);
  const [signedNotice, setSignedNotice] = useState<string | null>(null);
  const previousVisit = useMemo(() => lastVisitContent(detail), [detail]);
  // Set while the form takes values saved elsewhere, so they are not sent back as this window's edits.
  const takingStored = useRef(false);

  const autosave = useAutosave({
    api,
    consultationId: id,
    stored: consultation.sections,
    enabled: editable,
    read: () => ({ sections: form.getValues(), notes }),
    onSaved: (result: AutosaveResult) => {
      setCompletion(result.completion);
      setIssues([...result.issues, ...result.rejected]);
      setNotesError(result.rejected.find((r) => r.path === 'notes')?.message ?? null);
      setChanged(result.changedSinceVersion);
      // A refused field keeps what was typed on screen, with the reason at the field.
      for (const issue of result.rejected) form.setError(fieldPathOf(issue.path) as never, { type: 'server', message: issue.message });
      if (result.conflicts.length) setConflicts((list) => [...list.filter((c) => !result.conflicts.some((n) => n.path === c.path)), ...result.conflicts]);
    },
  });

  // Every change to a field schedules an autosave of that field.
  useEffect(() => {
    const subscription = form.watch((_values, { name }) => {
      if (name && !takingStored.current) autosave.queue.markDirty(name);
    });
    return () => subscription.unsubscribe();
  }, [form, autosave.queue]);

  // What is stored now, into every field this window is not editing (typing in flight is never replaced).
  const takeStored = useCallback(
    (stored: WorkingSections) => {
      takingStored.current = true;
      try {
        for (const spec of FIELDS) {
          if (autosave.queue.isPending(spec.path)) continue;
          const value = getPath(stored, spec.path);
          if (!deepEqual(getPath(form.getValues(), spec.path) ?? null, value ?? null)) {
            form.setValue(spec.path as never, (value ?? (spec.kind === 'list' ? [] : '')) as never, { shouldDirty: false });
          }
        }
      } finally {
        takingStored.current = false;
      }
      autosave.queue.adopt(stored);
    },
    [form, autosave.queue],
  );

  // Saved in another window or tab: fields this window is not editing take the stored value live.
  useEffect(() => {
    // A read that started before this window's newest save is stale here.
    if (detail.consultation.updatedAt < autosave.queue.lastSavedAt) return;
    takeStored(detail.consultation.sections);
    setChanged(detail.changedSinceVersion);
    setCompletion(detail.completion);
    setIssues(detail.issues);
  }, [detail, takeStored, autosave.queue]);

  const settleConflict = (conflict: FieldConflict, keep: 'mine' | 'theirs') => {
    setConflicts((list) => list.filter((c) => c.path !== conflict.path));
    if (keep === 'theirs') {
      takingStored.current = true;
      const kind = FIELD_BY_PATH.get(conflict.path)?.kind;
      form.setValue(conflict.path as never, (conflict.theirs ?? (kind === 'list' ? [] : '')) as never);
      takingStored.current = false;
    }
    autosave.queue.settle(conflict.path, conflict.theirs, keep === 'mine');
  };

  const goToStep = useCallback((slug: string) => navigate(`/c/${id}/${slug}`), [id, navigate]);

  // "What is missing" leads to the field: switch step, then focus once it is rendered.
  useEffect(() => {
    if (!focusPath) return;
    const el = document.getElementById(fieldId(focusPath));
    if (el) {
      el.focus();
      el.scrollIntoView({ block: 'center' });
      setFocusPath(null);
    }
  }, [focusPath, current]);
  const goToField = (path: string) => {
    goToStep(stepOfSection(path.split('.')[0]!));
    setFocusPath(path);
  };

  const refresh = async (next?: ConsultationDetail) => {
    if (next) client.setQueryData(keys.consultation(id), next);
    await client.invalidateQueries({ queryKey: keys.consultation(id) });
    void client.invalidateQueries({ queryKey: ['consultations.list'] });
    void client.invalidateQueries({ queryKey: keys.counts });
    void client.invalidateQueries({ queryKey: keys.versions(id) });
  };

  const saveVersion = form.handleSubmit(
    async () => {
      setActionError(null);
      await autosave.queue.flush();
      try {
        const { detail: next } = await api.call('consultations.saveVersion', {
          consultationId: id,
          expectedVersion: consultation.currentVersion,
          note: versionNote.trim() || undefined,
        });
        setVersionNote('');
        setChanged(false);
        form.clearErrors();
        takeStored(next.consultation.sections);
        setCompletion(next.completion);
        await refresh(next);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'validation') {
          for (const issue of error.issues) form.setError(fieldPathOf(issue.path) as never, { type: 'server', message: issue.message });
          const first = error.issues[0];
          if (first) goToField(fieldPathOf(first.path));
        }
        setActionError(error);
      }
    },
    (errors) => {
      const wrong = FIELDS.filter((f) => f.path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], errors));
      setActionError(new Error(`Some fields need attention before saving a version: ${wrong.map((f) => fieldLabel(f.path)).join(', ')}.`));
      if (wrong[0]) goToField(wrong[0].path);
    },
  );

  const status = useOperation('consultations.complete');
  const reopen = useOperation('consultations.reopen');
  const archive = useOperation('consultations.archive');
  const unarchive = useOperation('consultations.unarchive');
  const discard = useOperation('consultations.discardChanges');

  const run = async (work: () => Promise<ConsultationDetail>) => {
    setActionError(null);
    try {
      const next = await work();
      form.clearErrors();
      takeStored(next.consultation.sections);
      setCompletion(next.completion);
      setChanged(next.changedSinceVersion);
      await refresh(next);
    } catch (error) {
      setActionError(error);
    }
  };

  // Completing saves what the consultant sees as a version first (the server does it in one transaction).
  const markCompleted = () =>
    run(async () => {
      await autosave.queue.flush();
      return status.mutateAsync({ consultationId: id, expectedVersion: consultation.currentVersion });
    });

  useHotkeys({
    'mod+s': () => void saveVersion(),
    'alt+arrowright': () => current < STEPS.length - 1 && goToStep(STEPS[current + 1]!.slug),
    'alt+arrowleft': () => current > 0 && goToStep(STEPS[current - 1]!.slug),
  });

  const whySave = changed ? null : 'No changes to save yet.';
  const whyComplete = completion.canComplete
    ? null
    : `To complete, fill in: ${completion.missing
        .filter((m) => m.essential)
        .map((m) => m.label)
        .join(', ')}.`;
  const businessName = useWatch({ control: form.control, name: 'contact_info.business_name' });
  const title = (typeof businessName === 'string' && businessName.trim()) || 'Untitled consultation';
  const signedVersion = detail.signOff.signedVersion;
  // Typing after signing shows at once: the signed version is the newest one, so "changed" says it.
  const changedSinceSigned = signedVersion === null ? false : signedVersion === consultation.currentVersion ? changed : detail.signOff.changedSinceSigned;
  // One follow-up per click: a double-click must not make two visits (the ref answers before React re-renders).
  const [creatingFollowUp, setCreatingFollowUp] = useState(false);
  const followUpPending = useRef(false);
  const newFollowUp = async () => {
    if (followUpPending.current) return;
    followUpPending.current = true;
    setCreatingFollowUp(true);
    setActionError(null);
    try {
      await autosave.queue.flush();
      const next = await api.call('consultations.createFollowUp', { consultationId: id });
      void client.invalidateQueries({ queryKey: ['consultations.list'] });
      void client.invalidateQueries({ queryKey: keys.counts });
      navigate(`/c/${next.consultation.id}`);
    } catch (error) {
      setActionError(error);
    } finally {
      followUpPending.current = false;
      setCreatingFollowUp(false);
    }
  };
  const sectionFields = useMemo(() => FIELDS.filter((f) => f.section === currentStep.section), [currentStep.section]);

  return (
    <FormProvider {...form}>
      <div className="intake">
        <header className="intake-header">
          <div>
            <p className="eyebrow">
              <Link href="/">Consultations</Link> / Version {consultation.currentVersion}
            </p>
            <h1>{title}</h1>
            <p className="meta">
              <span className={`badge status-${consultation.status}`}>{STATUS_LABELS[consultation.status]}</span>
              {!consultation.isOwn && <span className="badge">Owned by {consultation.ownerName ?? 'a teammate'}: read-only</span>}
              {editable && <SaveIndicator state={autosave.state} />}
              {consultation.followUpOf && (
                <Link href={`/c/${consultation.followUpOf}`} className="badge">
                  Follow-up visit: see the last visit
                </Link>
              )}
              {signedVersion !== null && (
                <span className={`badge ${changedSinceSigned ? 'changed-since-signed' : 'signed'}`}>
                  {changedSinceSigned ? `Changed since signed version ${signedVersion}` : `Signed: version ${signedVersion}`}
                </span>
              )}
            </p>
          </div>
          <div className="actions">
            <Link href={`/c/${id}/history`} className="button">
              History
            </Link>
            <button
              type="button"
              onClick={() => void newFollowUp()}
              disabled={creatingFollowUp}
              aria-busy={creatingFollowUp || undefined}
              title="A new consultation for the same client, starting from this one's newest version"
            >
              New follow-up visit
            </button>
            <ExportButton
              title="A PDF summary of what you see here, for the client"
              busyText="Preparing PDF…"
              onError={setActionError}
              make={() => api.call('exports.summaryPdf', { consultationId: id })}
            >
              Export PDF
            </ExportButton>
            {api.transportKind === 'ipc' && (
              <button
                type="button"
                onClick={() => void api.call('exports.printSummary', { consultationId: id }).catch(setActionError)}
                title="The same summary, to your printer"
              >
                Print…
              </button>
            )}
            {editable && (
              <>
                {changed && <span className="changed-since">Changed since version {consultation.currentVersion}</span>}
                <button
                  type="button"
                  className="primary"
                  onClick={() => void saveVersion()}
                  {...disabledBecause('why-save', whySave)}
                  aria-keyshortcuts="Control+S"
                >
                  Save version
                </button>
              </>
            )}
            {consultation.isOwn && consultation.status === 'draft' && (
              <ConfirmDialog
                title="Mark this consultation completed?"
                description={
                  changed
                    ? `Your changes since version ${consultation.currentVersion} will be saved as version ${consultation.currentVersion + 1} first. The completion itself is noted in the history, not as a version. You can reopen it later.`
                    : `Nothing changed since version ${consultation.currentVersion}, so no version is added: the completion is noted in the history. You can reopen it later.`
                }
                confirmLabel="Mark completed"
                onConfirm={() => void markCompleted()}
                trigger={
                  <button type="button" data-action="complete" {...disabledBecause('why-complete', whyComplete)}>
                    Mark completed
                  </button>
                }
              />
            )}
            {consultation.isOwn && consultation.status === 'completed' && (
              <ConfirmDialog
                title="Reopen this consultation?"
                description="It goes back to in progress so you can edit it. The reopening is noted in the history; no version is added."
                confirmLabel="Reopen"
                onConfirm={() => void run(() => reopen.mutateAsync({ consultationId: id, expectedVersion: consultation.currentVersion }))}
                trigger={<button type="button">Reopen</button>}
              />
            )}
            {consultation.isOwn && consultation.status !== 'archived' && (
              <ConfirmDialog
                title="Archive this consultation?"
                description="It leaves the active list and cannot be edited until you unarchive it. Nothing is deleted."
                confirmLabel="Archive"
                onConfirm={() => void run(() => archive.mutateAsync({ consultationId: id, expectedVersion: consultation.currentVersion }))}
                trigger={<button type="button">Archive</button>}
              />
            )}
            {consultation.isOwn && (
              <ConfirmDialog
                title={`Delete ${title === 'Untitled consultation' ? 'this untitled consultation' : `“${title}”`}?`}
                description="It is removed with its history from this laptop and, with sync on, from the team. This cannot be undone."
                confirmLabel="Delete"
                tone="danger"
                onConfirm={() =>
                  void api
                    .call('consultations.delete', { consultationId: id })
                    .then(async () => {
                      await client.invalidateQueries();
                      navigate('/');
                    })
                    .catch(setActionError)
                }
                trigger={<button type="button">Delete</button>}
              />
            )}
            {consultation.isOwn && consultation.status === 'archived' && (
              <button type="button" onClick={() => void run(() => unarchive.mutateAsync({ consultationId: id, expectedVersion: consultation.currentVersion }))}>
                Unarchive
              </button>
            )}
            <WhyDisabled id="why-save" reason={editable ? whySave : null} />
            <WhyDisabled id="why-complete" reason={consultation.isOwn && consultation.status === 'draft' ? whyComplete : null} />
          </div>
        </header>

        {changed && editable && (
          <div className="notice quiet" role="region" aria-label="Changes since the last version">
            <span>Everything you type is saved. These changes are not in a numbered version yet.</span>
            <ConfirmDialog
              title={`Discard changes since version ${consultation.currentVersion}?`}
              description={`The form goes back to version ${consultation.currentVersion}. Your private notes are kept.`}
              confirmLabel="Discard changes"
              tone="danger"
              onConfirm={() => void run(() => discard.mutateAsync({ consultationId: id }))}
              trigger={<button type="button">Discard changes since version {consultation.currentVersion}</button>}
            />
          </div>
        )}
        {conflicts.length > 0 && (
          <section className="notice conflicts" aria-labelledby="window-conflicts-title">
            <h2 id="window-conflicts-title">Changed in another window</h2>
            <ul>
              {conflicts.map((c) => (
                <li key={c.path}>
                  <strong>{c.label}</strong>: you typed “{showConflictValue(c.yours)}”, another window saved “{showConflictValue(c.theirs)}”.{' '}
                  <button type="button" onClick={() => settleConflict(c, 'mine')}>
                    Keep mine
                  </button>{' '}
                  <button type="button" onClick={() => settleConflict(c, 'theirs')}>
                    Use the other window's
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        {!editable && consultation.isOwn && (
          <p className="notice">
            {consultation.status === 'archived'
              ? 'This consultation is archived. Unarchive it to make changes.'
              : 'This consultation is completed. Reopen it to make changes.'}
          </p>
        )}
        {actionError !== null && <ErrorNotice error={actionError} />}
        <ConflictsPanel consultationId={id} editable={editable} />

        <div className="intake-body">
          <nav className="steps" aria-label="Intake steps">
            <ol>
              {STEPS.map((s, index) => (
                <li key={s.slug}>
                  <Link href={`/c/${id}/${s.slug}`} aria-current={index === current ? 'step' : undefined}>
                    <span className="step-number">{index + 1}</span> {s.title}
                    {s.section && issues.some((issue) => issue.path.startsWith(`${s.section}.`)) && (
                      <span className="step-attention">
                        <span aria-hidden="true"> ●</span>
                        <span className="visually-hidden"> (needs attention)</span>
                      </span>
                    )}
                  </Link>
                </li>
              ))}
            </ol>
          </nav>

          <form className="step" noValidate onSubmit={(event) => event.preventDefault()} aria-labelledby="step-title">
            <h2 id="step-title">{currentStep.title}</h2>
            {currentStep.section ? (
              <fieldset disabled={!editable} className="fields">
                <legend className="visually-hidden">{currentStep.title} fields</legend>
                {sectionFields.map((spec) =>
                  previousVisit ? (
                    <div key={spec.path} className="with-last-visit">
                      <FieldInput spec={spec} disabled={!editable} />
                      <LastVisitMark control={form.control} path={spec.path} previous={previousVisit} />
                    </div>
                  ) : (
                    <FieldInput key={spec.path} spec={spec} disabled={!editable} />
                  ),
                )}
              </fieldset>
            ) : (
              <>
                {previousVisit && <SinceLastVisit control={form.control} previous={previousVisit} />}
                <ReviewStep editable={editable} note={versionNote} onNote={setVersionNote} onEdit={goToField} />
                {editable && (
                  <div className="signoff-start">
                    <SignOffDialog
                      consultationId={id}
                      beforeOpen={() => autosave.queue.flush()}
                      onSigned={(next, version) => {
                        setSignedNotice(`Signed by ${version.signOff?.signerName ?? ''}: saved as version ${version.versionNumber}.`);
                        takeStored(next.consultation.sections);
                        setChanged(next.changedSinceVersion);
                        void refresh(next);
                      }}
                    />
                    {signedNotice && (
                      <p role="status" className="notice">
                        {signedNotice}
                      </p>
                    )}
                  </div>
                )}
              </>
            )}
            <div className="step-nav">
              {current > 0 && (
                <button type="button" onClick={() => goToStep(STEPS[current - 1]!.slug)} title="Previous step (Alt+←)">
                  Back
                </button>
              )}
              {current < STEPS.length - 1 && (
                <button type="button" className="primary" onClick={() => goToStep(STEPS[current + 1]!.slug)} title="Next step (Alt+→)">
                  Next: {STEPS[current + 1]!.title}
                </button>
              )}
            </div>
          </form>

          <aside className="side">
            <CompletionMeter completion={completion} onGoTo={goToField} />
            <section className="notes">
              <h2>
                <label htmlFor="draft-notes">Private notes</label>
              </h2>
              <textarea
                id="draft-notes"
                rows={6}
                value={notes}
                disabled={!editable}
                placeholder="Only you see these. They never leave this device."
                onChange={(event) => {
                  setNotes(event.target.value);
                  autosave.queue.markDirty('notes');
                }}
              />
              {notesError && (
                <small id="draft-notes-error" className="field-error" role="alert">
                  Private notes: {notesError}
                </small>
              )}
            </section>
          </aside>
        </div>
      </div>
    </FormProvider>
  );
}
