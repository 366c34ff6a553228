import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { useRef, useState } from 'react';
import { useApi } from '../api/ApiContext';
import { ApiError } from '../api/client';
import type { ConsultationDetail, Version } from '@shared/consultation/model';
import { FIELDS, SECTION_KEYS, SECTION_LABELS, getPath } from '@shared/consultation/fields';
import { isFilled } from '@shared/consultation/completion';
import { SIGNATURE_MAX_CHARS } from '@shared/consultation/signoff';
import { valueText } from '@shared/consultation/visits';
import { ErrorNotice } from '../components/ErrorNotice';
import { SignaturePad, type SignaturePadHandle } from './SignaturePad';

/**
 * "Client sign-off": the record as stored now, full screen for the client to read, then their name and a
 * drawn signature (or the typed name alone, the keyboard path). Signing freezes exactly what was shown.
 */
export function SignOffDialog({
  consultationId,
  beforeOpen,
  onSigned,
}: {
  consultationId: string;
  beforeOpen: () => Promise<void>;
  onSigned: (detail: ConsultationDetail, version: Version) => void;
}) {
  const api = useApi();
  const pad = useRef<SignaturePadHandle>(null);
  const [shown, setShown] = useState<ConsultationDetail | null>(null);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [, setInk] = useState(false);

  const open = async () => {
    setFailure(null);
    try {
      // What the client reads is what is stored, after this window's last keystrokes are saved.
      await beforeOpen();
      setShown(await api.call('consultations.get', { consultationId }));
      setName('');
      setNameError(null);
    } catch (error) {
      setFailure(error);
    }
  };

  const sign = async () => {
    if (!shown) return;
    if (!name.trim()) {
      setNameError('Enter the name of the person signing.');
      return;
    }
    const image = pad.current?.toPng() ?? null;
    if (image && image.length > SIGNATURE_MAX_CHARS) {
      setFailure(new Error('This signature drawing is too large to keep. Clear it and sign again, more simply.'));
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const { detail, version } = await api.call('consultations.signOff', {
        consultationId,
        expectedVersion: shown.consultation.currentVersion,
        expectedUpdatedAt: shown.consultation.updatedAt,
        signerName: name,
        signatureImage: image,
      });
      setShown(null);
      onSigned(detail, version);
    } catch (error) {
      if (error instanceof ApiError && error.issues.some((i) => i.path === 'signerName'))
        setNameError(error.issues.find((i) => i.path === 'signerName')!.message);
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" onClick={() => void open()}>
        Client sign-off
      </button>
      {failure !== null && !shown && <ErrorNotice error={failure} />}
      <AlertDialog.Root open={shown !== null} onOpenChange={(next) => !next && setShown(null)}>
        <AlertDialog.Portal>
          <AlertDialog.Overlay className="dialog-overlay" />
          <AlertDialog.Content className="dialog signoff-screen" onEscapeKeyDown={() => setShown(null)}>
            <AlertDialog.Title>Client sign-off</AlertDialog.Title>
            <AlertDialog.Description>Please read what was recorded. By signing you confirm it says what you told us.</AlertDialog.Description>
            {shown && (
              <div className="signoff-record" tabIndex={0} role="region" aria-label="The record to sign">
                {SECTION_KEYS.map((section) => {
                  const filled = FIELDS.filter((f) => f.section === section && isFilled(getPath(shown.consultation.sections, f.path)));
                  if (filled.length === 0) return null;
                  return (
                    <section key={section}>
                      <h3>{SECTION_LABELS[section]}</h3>
                      <dl>
                        {filled.map((f) => (
                          <div key={f.path} className="review-row">
                            <dt>{f.label}</dt>
                            <dd dir="auto">{valueText(getPath(shown.consultation.sections, f.path))}</dd>
                          </div>
                        ))}
                      </dl>
                    </section>
                  );
                })}
              </div>
            )}
            <div className="field">
              <label htmlFor="signer-name">Name of the person signing</label>
              <input
                id="signer-name"
                autoComplete="off"
                value={name}
                aria-invalid={nameError ? true : undefined}
                aria-describedby={nameError ? 'signer-name-error signer-name-hint' : 'signer-name-hint'}
                onChange={(e) => {
                  setName(e.target.value);
                  setNameError(null);
                }}
              />
              <small id="signer-name-hint" className="muted">
                Typing your name is enough to sign; drawing below is optional.
              </small>
              {nameError && (
                <small id="signer-name-error" className="field-error" role="alert">
                  {nameError}
                </small>
              )}
            </div>
            <div className="field">
              <span id="signature-label">Signature (draw with a mouse, finger or pen)</span>
              <SignaturePad ref={pad} label="Signature: draw with a mouse, finger or pen" onInk={setInk} />
              <button type="button" onClick={() => pad.current?.clear()}>
                Clear signature
              </button>
            </div>
            {failure !== null && <ErrorNotice error={failure} />}
            <div className="dialog-actions">
              <AlertDialog.Cancel asChild>
                <button type="button">Cancel</button>
              </AlertDialog.Cancel>
              <button type="button" className="primary" disabled={busy} onClick={() => void sign()}>
                {busy ? 'Signing…' : 'Sign'}
              </button>
            </div>
          </AlertDialog.Content>
        </AlertDialog.Portal>
      </AlertDialog.Root>
    </>
  );
}
