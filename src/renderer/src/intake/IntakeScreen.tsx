import { useCallback, useEffect, useMemo, useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { Link, useLocation } from 'wouter';
import { useQueryClient } from '@tanstack/react-query';
import { formatDistanceToNowStrict } from 'date-fns';
import { useApi } from '../api/ApiContext';
import { ApiError } from '../api/client';
import { keys, useConsultation, useOperation } from '../api/queries';
import type { ConsultationDetail, AutosaveResult } from '../../../shared/consultation/model';
import type { DraftSections } from '../../../shared/consultation/sections';
import { FIELDS, SECTION_KEYS, type SectionKey } from '../../../shared/consultation/fields';
import { STATUS_LABELS } from '../../../shared/consultation/status';
import { useAutosave } from './useAutosave';
import { fieldPathOf, versionResolver } from './versionResolver';
import { FieldInput, fieldId } from './FieldInput';
import { ReviewStep } from './ReviewStep';
import { STEPS, stepIndex, stepOfSection } from './steps';
import { SaveIndicator } from '../components/SaveIndicator';
import { ConflictsPanel } from './ConflictsPanel';
import { saveFile } from '../api/files';
import { CompletionMeter } from '../components/CompletionMeter';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/ErrorNotice';
import { useHotkeys } from '../hooks/useHotkeys';
import { WhyDisabled, disabledBecause } from '../components/WhyDisabled';

export function IntakeScreen({ consultationId, step }: { consultationId: string; step?: string }) {
  const query = useConsultation(consultationId);
  // Never start the form from cached data: autosave sends whole sections, so a form built from an older
  // copy would overwrite what was typed since (found by the day-in-the-field test).
  if (query.isPending || (!query.isFetchedAfterMount && !query.isError)) return <p role="status">Loading…</p>;
  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  // A new version from elsewhere (sync, a resolved conflict, a restore) re-reads the record; the old
  // form's autosave flushes on unmount first, so nothing typed is dropped.
  return <IntakeForm key={query.data.consultation.currentVersion} detail={query.data} step={step} />;
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

  const form = useForm<DraftSections>({
    defaultValues: (detail.draft?.hasChanges ? detail.draft.sections : consultation.sections) as DraftSections,
    resolver: versionResolver,
    mode: 'onTouched',
  });
  const [notes, setNotes] = useState(detail.draft?.draftNotes ?? '');
  const [completion, setCompletion] = useState(detail.completion);
  const [hasUnsaved, setHasUnsaved] = useState(!!detail.draft?.hasChanges);
  const [recovery, setRecovery] = useState(detail.draft?.hasChanges ? detail.draft.updatedAt : null);
  const [versionNote, setVersionNote] = useState('');
  const [actionError, setActionError] = useState<unknown>(null);
  const [focusPath, setFocusPath] = useState<string | null>(null);

  const autosave = useAutosave({
    api,
    consultationId: id,
    enabled: editable,
    read: () => ({ sections: form.getValues(), notes }),
    onSaved: (result: AutosaveResult) => {
      setCompletion(result.completion);
      setHasUnsaved(true);
    },
  });

  // Every change to a section schedules an autosave of that section.
  useEffect(() => {
    const subscription = form.watch((_values, { name }) => {
      const section = name?.split('.')[0] as SectionKey | undefined;
      if (section && SECTION_KEYS.includes(section)) autosave.queue.markDirty(section);
    });
    return () => subscription.unsubscribe();
  }, [form, autosave.queue]);

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
        setHasUnsaved(false);
        setRecovery(null);
        form.reset(next.consultation.sections as DraftSections);
        setCompletion(next.completion);
        await refresh(next);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'validation') {
          for (const issue of error.issues) form.setError(fieldPathOf(issue.path) as never, { type: 'server', message: issue.message });
        }
        setActionError(error);
      }
    },
    (errors) => {
      const first = FIELDS.find((f) => f.path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], errors));
      setActionError(new Error('Some fields need attention before saving a version.'));
      if (first) goToField(first.path);
    },
  );

  const status = useOperation('consultations.complete');
  const reopen = useOperation('consultations.reopen');
  const archive = useOperation('consultations.archive');
  const unarchive = useOperation('consultations.unarchive');
  const discard = useOperation('consultations.discardDraft');

  const run = async (work: () => Promise<ConsultationDetail>) => {
    setActionError(null);
    try {
      const next = await work();
      form.reset((next.draft?.hasChanges ? next.draft.sections : next.consultation.sections) as DraftSections);
      setCompletion(next.completion);
      setHasUnsaved(!!next.draft?.hasChanges);
      await refresh(next);
    } catch (error) {
      setActionError(error);
    }
  };

  const markCompleted = () =>
    run(async () => {
      await autosave.queue.flush();
      if (hasUnsaved) {
        await api.call('consultations.saveVersion', { consultationId: id, expectedVersion: consultation.currentVersion, note: versionNote.trim() || undefined });
        const fresh = await api.call('consultations.get', { consultationId: id });
        return status.mutateAsync({ consultationId: id, expectedVersion: fresh.consultation.currentVersion });
      }
      return status.mutateAsync({ consultationId: id, expectedVersion: consultation.currentVersion });
    });

  useHotkeys({
    'mod+s': () => void saveVersion(),
    'alt+arrowright': () => current < STEPS.length - 1 && goToStep(STEPS[current + 1]!.slug),
    'alt+arrowleft': () => current > 0 && goToStep(STEPS[current - 1]!.slug),
  });

  const whySave = hasUnsaved ? null : 'No changes to save yet.';
  const whyComplete = completion.canComplete ? null : `To complete, fill in: ${completion.missing.filter((m) => m.essential).map((m) => m.label).join(', ')}.`;
  const businessName = useWatch({ control: form.control, name: 'contact_info.business_name' });
  const title = (typeof businessName === 'string' && businessName.trim()) || 'Untitled consultation';
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
            </p>
          </div>
          <div className="actions">
            <Link href={`/c/${id}/history`} className="button">
              History
            </Link>
            <button
              type="button"
              title="A PDF summary of the last saved version"
              onClick={() =>
                void api
                  .call('exports.summaryPdf', { consultationId: id })
                  .then(saveFile)
                  .catch(setActionError)
              }
            >
              Export PDF
            </button>
            {editable && (
              <button type="button" className="primary" onClick={() => void saveVersion()} {...disabledBecause('why-save', whySave)} aria-keyshortcuts="Control+S">
                Save version
              </button>
            )}
            {consultation.isOwn && consultation.status === 'draft' && (
              <ConfirmDialog
                title="Mark this consultation completed?"
                description={hasUnsaved ? 'Your unsaved changes will be saved as a version first. You can reopen it later.' : 'You can reopen it later.'}
                confirmLabel="Mark completed"
                onConfirm={() => void markCompleted()}
                trigger={
                  <button
                    type="button"
                    data-action="complete"
                    {...disabledBecause('why-complete', whyComplete)}
                  >
                    Mark completed
                  </button>
                }
              />
            )}
            {consultation.isOwn && consultation.status === 'completed' && (
              <ConfirmDialog
                title="Reopen this consultation?"
                description="It goes back to in progress so you can edit it. Its history is kept."
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
            {consultation.isOwn && consultation.status === 'archived' && (
              <button type="button" onClick={() => void run(() => unarchive.mutateAsync({ consultationId: id, expectedVersion: consultation.currentVersion }))}>
                Unarchive
              </button>
            )}
            <WhyDisabled id="why-save" reason={editable ? whySave : null} />
            <WhyDisabled id="why-complete" reason={consultation.isOwn && consultation.status === 'draft' ? whyComplete : null} />
          </div>
        </header>

        {recovery && editable && (
          <div className="notice" role="region" aria-label="Unsaved draft">
            <span>
              You have changes from {Date.now() - Date.parse(recovery) < 60_000 ? 'just now' : `${formatDistanceToNowStrict(new Date(recovery))} ago`} that
              are not saved as a version yet.
            </span>
            <button type="button" onClick={() => setRecovery(null)}>
              Keep them
            </button>
            <ConfirmDialog
              title="Discard unsaved changes?"
              description="The consultation goes back to its last saved version. Your private notes are kept."
              confirmLabel="Discard changes"
              tone="danger"
              onConfirm={() => {
                setRecovery(null);
                void run(() => discard.mutateAsync({ consultationId: id }));
              }}
              trigger={<button type="button">Discard them</button>}
            />
          </div>
        )}
        {!editable && consultation.isOwn && (
          <p className="notice">
            {consultation.status === 'archived' ? 'This consultation is archived. Unarchive it to make changes.' : 'This consultation is completed. Reopen it to make changes.'}
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
                {sectionFields.map((spec) => (
                  <FieldInput key={spec.path} spec={spec} disabled={!editable} />
                ))}
              </fieldset>
            ) : (
              <ReviewStep editable={editable} note={versionNote} onNote={setVersionNote} onEdit={goToField} />
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
                placeholder="Only you see these. They stay with the draft."
                onChange={(event) => {
                  setNotes(event.target.value);
                  autosave.queue.markDirty('notes');
                }}
              />
            </section>
          </aside>
        </div>
      </div>
    </FormProvider>
  );
}
