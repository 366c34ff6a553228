import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';
import { keys, useAppInfo, useCurrentUser } from '../api/queries';
import type { ProfileInput } from '@shared/consultation/model';
import { profileResolver } from './Welcome';
import { ErrorNotice } from '../components/ErrorNotice';
import { DataSection } from './DataSection';
import { SyncSettingsCard } from './SyncSettingsCard';
import { THEME_LABELS, THEMES, saveTheme, storedTheme, type Theme } from '../app/theme';
import { PdfBrandingCard } from './PdfBrandingCard';
import { TokenStorageNote } from '../components/TokenStorageNote';
import { FieldReadyPanel } from './FieldReadyPanel';

export function SettingsScreen() {
  const user = useCurrentUser();
  const info = useAppInfo();
  if (!user.data) return null;
  return (
    <section className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <ProfileForm initial={{ name: user.data.name, email: user.data.email }} />
      <FieldReadyPanel />
      <SyncSettingsCard />
      <PdfBrandingCard />
      <TokenStorageNote storage={info.data?.secretStorage} />
      <DataSection dataFolder={info.data?.dataFolder} />
      <AppearanceCard />
      {info.data && <p className="muted">Fieldbook {info.data.version}</p>}
    </section>
  );
}

function ProfileForm({ initial }: { initial: ProfileInput }) {
  const api = useApi();
  const client = useQueryClient();
  const [saved, setSaved] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<ProfileInput>({ resolver: profileResolver, defaultValues: initial });
  const { errors } = form.formState;
  const submit = form.handleSubmit(async (values) => {
    setFailure(null);
    try {
      client.setQueryData(keys.currentUser, await api.call('users.saveProfile', values));
      setSaved(true);
    } catch (error) {
      setFailure(error);
    }
  });
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="profile-title" onChange={() => setSaved(false)}>
      <h2 id="profile-title">Your profile</h2>
      <div className="field">
        <label htmlFor="settings-name">Name</label>
        <input id="settings-name" aria-invalid={errors.name ? true : undefined} {...form.register('name')} />
        {errors.name && (
          <small className="field-error" role="alert">
            {errors.name.message}
          </small>
        )}
      </div>
      <div className="field">
        <label htmlFor="settings-email">Email</label>
        <input id="settings-email" type="email" aria-invalid={errors.email ? true : undefined} {...form.register('email')} />
        {errors.email && (
          <small className="field-error" role="alert">
            {errors.email.message}
          </small>
        )}
      </div>
      {failure !== null && <ErrorNotice error={failure} />}
      <button type="submit" className="primary">
        Save profile
      </button>
      {saved && (
        <span role="status" className="muted">
          {' '}
          Saved.
        </span>
      )}
    </form>
  );
}

/** Light, dark, or whatever this device uses: a choice kept on this device. */
function AppearanceCard() {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  return (
    <section className="card" aria-labelledby="appearance-title">
      <h2 id="appearance-title">Appearance</h2>
      <fieldset>
        <legend>Theme</legend>
        <div className="choices">
          {THEMES.map((option) => (
            <label key={option} className="choice">
              <input
                type="radio"
                name="theme"
                value={option}
                checked={theme === option}
                onChange={() => {
                  setTheme(option);
                  saveTheme(option);
                }}
              />
              {THEME_LABELS[option]}
            </label>
          ))}
        </div>
      </fieldset>
      <p className="muted">Kept on this device only.</p>
    </section>
  );
}
