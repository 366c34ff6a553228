// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { FormProvider, useForm } from 'react-hook-form';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FieldInput } from './FieldInput';
import { versionResolver, fieldPathOf } from './versionResolver';
import { FIELD_BY_PATH } from '@shared/consultation/fields';
import type { WorkingSections } from '@shared/consultation/sections';

afterEach(cleanup);

function Form({ paths }: { paths: string[] }) {
  const form = useForm<WorkingSections>({
    defaultValues: { contact_info: {}, business_context: {}, pain_points: {}, goals_objectives: {} },
    resolver: versionResolver,
    mode: 'onTouched',
  });
  return (
    <FormProvider {...form}>
      {paths.map((p) => (
        <FieldInput key={p} spec={FIELD_BY_PATH.get(p)!} disabled={false} />
      ))}
      <button type="button">next</button>
    </FormProvider>
  );
}

describe('intake fields', () => {
  it('shows a format error at the field in plain words after leaving it, and clears it when fixed', async () => {
    render(<Form paths={['contact_info.email', 'contact_info.website']} />);
    const email = screen.getByLabelText(/Email/);
    await userEvent.type(email, 'anne@lumiere');
    expect(screen.queryByRole('alert')).toBeNull(); // not while typing
    await userEvent.click(screen.getByRole('button', { name: 'next' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Enter an email address like name@example.com');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(email.getAttribute('aria-describedby')).toContain('f-contact_info-email-error');
    await userEvent.type(email, '.fr');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('judges what is typed as it would be saved: a bare domain and padded text are fine', async () => {
    render(<Form paths={['contact_info.website']} />);
    await userEvent.type(screen.getByLabelText('Website'), '  acme.com ');
    await userEvent.click(screen.getByRole('button', { name: 'next' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('offers urgency as a choice and marks essential fields', () => {
    render(<Form paths={['pain_points.urgency_level']} />);
    expect(screen.getAllByRole('radio').map((r) => (r as HTMLInputElement).value)).toEqual(['low', 'medium', 'high', 'critical']);
    expect(screen.getByText('(needed to complete)')).toBeTruthy();
  });

  it('shows a list entry error on the list field', () => {
    expect(fieldPathOf('goals_objectives.kpis.3')).toBe('goals_objectives.kpis');
    expect(fieldPathOf('contact_info.email')).toBe('contact_info.email');
  });
});
