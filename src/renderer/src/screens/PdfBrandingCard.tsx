import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';
import { ApiError } from '../api/client';
import { readChosenFile } from '../api/files';
import { ErrorNotice } from '../components/ErrorNotice';
import { MAX_LOGO_CHARS, type PdfBranding } from '@shared/pdfBranding';

const DEFAULT_ACCENT = '#1f5f8b';
const KEY = ['settings.pdfBranding'];

/** How client PDFs look: the team's name, logo and accent colour, and whether internal status is printed. */
export function PdfBrandingCard() {
  const api = useApi();
  const client = useQueryClient();
  const branding = useQuery({ queryKey: KEY, queryFn: () => api.call('settings.pdfBranding', undefined) });
  if (!branding.data) return null;
  return <BrandingForm key={JSON.stringify(branding.data)} initial={branding.data} onSaved={(saved) => client.setQueryData(KEY, saved)} />;
}

function BrandingForm({ initial, onSaved }: { initial: PdfBranding; onSaved: (saved: PdfBranding) => void }) {
  const api = useApi();
  const [teamName, setTeamName] = useState(initial.teamName ?? '');
  const [logo, setLogo] = useState(initial.logo);
  const [accent, setAccent] = useState(initial.accent ?? DEFAULT_ACCENT);
  const [includeStatus, setIncludeStatus] = useState(initial.includeStatus);
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const fieldError = (path: string) => (failure instanceof ApiError ? failure.issues.find((i) => i.path === path)?.message : undefined);

  const chooseLogo = async (file: File | undefined) => {
    setMessage(null);
    setFailure(null);
    if (!file) return;
    if (!['image/png', 'image/jpeg'].includes(file.type)) {
      setFailure(new Error('The logo must be a PNG or JPEG image.'));
      return;
    }
    const url = `data:${file.type};base64,${await readChosenFile(file, 'base64')}`;
    if (url.length > MAX_LOGO_CHARS) {
      setFailure(new Error('The logo is too large: use a PNG or JPEG under 300 KB.'));
      return;
    }
    setLogo(url);
  };

  const save = async () => {
    setMessage(null);
    setFailure(null);
    try {
      const saved = await api.call('settings.savePdfBranding', { teamName: teamName.trim() || null, logo, accent, includeStatus });
      onSaved(saved);
      setMessage('Saved. Your next PDF uses it.');
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <form className="card pdf-branding" aria-labelledby="pdf-branding-title" noValidate onSubmit={(e) => e.preventDefault()}>
      <h2 id="pdf-branding-title">Client PDFs</h2>
      <p className="muted">What the summary you hand to a client carries besides your name: your team, its logo and colour.</p>
      <div className="field">
        <label htmlFor="pdf-team">Team name</label>
        <input
          id="pdf-team"
          value={teamName}
          maxLength={120}
          onChange={(e) => setTeamName(e.target.value)}
          aria-invalid={fieldError('teamName') ? true : undefined}
        />
        {fieldError('teamName') && (
          <small className="field-error" role="alert">
            {fieldError('teamName')}
          </small>
        )}
      </div>
      <div className="field">
        <label htmlFor="pdf-logo">Logo (PNG or JPEG)</label>
        {logo && <img src={logo} alt="Current logo" style={{ maxHeight: 40, maxWidth: 160, display: 'block' }} />}
        <input id="pdf-logo" type="file" accept="image/png,image/jpeg" onChange={(e) => void chooseLogo(e.target.files?.[0])} />
        {logo && (
          <button type="button" onClick={() => setLogo(null)}>
            Remove logo
          </button>
        )}
      </div>
      <div className="field inline">
        <label htmlFor="pdf-accent">Accent colour</label>
        <input id="pdf-accent" type="color" value={accent} onChange={(e) => setAccent(e.target.value)} />
      </div>
      <div className="field inline">
        <label>
          <input type="checkbox" checked={includeStatus} onChange={(e) => setIncludeStatus(e.target.checked)} /> Print the status and completion (for internal
          copies)
        </label>
      </div>
      <div className="data-actions">
        <button type="button" className="primary" onClick={() => void save()}>
          Save PDF settings
        </button>
      </div>
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      {failure !== null && !fieldError('teamName') && <ErrorNotice error={failure} />}
    </form>
  );
}
