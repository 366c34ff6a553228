import { useForm } from 'react-hook-form';
import { useQueryClient } from '@tanstack/react-query';
import type { FieldErrors, Resolver } from 'react-hook-form';
import { profileInputSchema, type ProfileInput } from '@shared/consultation/model';
import { issuesFromZod } from '@shared/errors';
import { useApi } from '../api/ApiContext';
import { keys } from '../api/queries';
import { ErrorNotice } from '../components/ErrorNotice';
import { useState } from 'react';

export const profileResolver: Resolver<ProfileInput> = (values) => {
  const result = profileInputSchema.safeParse(values);
  if (result.success) return { values: result.data, errors: {} };
  const errors: Record<string, { type: string; message: string }> = {};
  for (const issue of issuesFromZod(result.error)) errors[issue.path] ??= { type: 'validate', message: issue.message };
  return { values: {}, errors: errors as FieldErrors<ProfileInput> };
};

/** First run: who is using this laptop. Their name goes on versions and PDF summaries. */
export function Welcome() {
  const api = useApi();
  const client = useQueryClient();
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<ProfileInput>({ resolver: profileResolver, defaultValues: { name: '', email: '' } });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async (values) => {
    try {
      const user = await api.call('users.saveProfile', values);
      client.setQueryData(keys.currentUser, user);
    } catch (error) {
      setFailure(error);
    }
  });
  return (
    <main className="welcome">
      <form onSubmit={submit} noValidate aria-labelledby="welcome-title">
        <h1 id="welcome-title">Welcome to Fieldbook</h1>
        <p>
          Fieldbook keeps your client intakes on this laptop, works without a network, and keeps every version. First, who are you? Your name appears on
          versions and PDF summaries.
        </p>
        <div className="field">
          <label htmlFor="profile-name">Your name</label>
          <input
            id="profile-name"
            autoFocus
            autoComplete="name"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? 'profile-name-error' : undefined}
            {...form.register('name')}
          />
          {errors.name && (
            <small id="profile-name-error" className="field-error" role="alert">
              {errors.name.message}
            </small>
          )}
        </div>
        <div className="field">
          <label htmlFor="profile-email">Your work email</label>
          <input
            id="profile-email"
            type="email"
            autoComplete="email"
            aria-invalid={errors.email ? true : undefined}
            aria-describedby={errors.email ? 'profile-email-error' : undefined}
            {...form.register('email')}
          />
          {errors.email && (
            <small id="profile-email-error" className="field-error" role="alert">
              {errors.email.message}
            </small>
          )}
        </div>
        {failure !== null && <ErrorNotice error={failure} />}
        <button type="submit" className="primary" disabled={isSubmitting}>
          Start
        </button>
      </form>
    </main>
  );
}
