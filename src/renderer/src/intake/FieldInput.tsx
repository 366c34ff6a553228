import { Controller, useFormContext, get } from 'react-hook-form';
import type { WorkingSections } from '@shared/consultation/sections';
import { BUDGET_RANGES, URGENCY_LEVELS, type FieldSpec } from '@shared/consultation/fields';
import { TagInput } from '../components/TagInput';
import { URGENCY_LABELS } from '../app/labels';

export const fieldId = (path: string) => `f-${path.replace(/\./g, '-')}`;

const HINTS: Partial<Record<string, string>> = {
  'contact_info.website': 'A bare domain like acme.com is fine.',
  'contact_info.social_media.linkedin': 'A profile link or an @handle.',
  'business_context.team_size': 'Number of people.',
  'goals_objectives.budget_range': 'Pick a range or type your own.',
};

/** One intake field, rendered by its kind from the shared field catalogue. */
export function FieldInput({ spec, disabled }: { spec: FieldSpec; disabled: boolean }) {
  const { register, control, formState } = useFormContext<WorkingSections>();
  const name = spec.path as never;
  const id = fieldId(spec.path);
  const error = get(formState.errors, spec.path) as { message?: string } | undefined;
  const hint = HINTS[spec.path];
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  const common = { id, disabled, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy };

  let control_;
  switch (spec.kind) {
    case 'longtext':
      control_ = <textarea rows={5} {...common} {...register(name)} />;
      break;
    case 'list':
      control_ = (
        <Controller
          control={control}
          name={name}
          render={({ field }) => (
            <TagInput
              id={id}
              value={field.value as string[] | undefined}
              onChange={field.onChange}
              onBlur={field.onBlur}
              inputRef={field.ref}
              disabled={disabled}
              describedBy={describedBy}
              invalid={!!error}
            />
          )}
        />
      );
      break;
    case 'urgency':
      return (
        <fieldset className="field" aria-describedby={describedBy}>
          <legend>
            {spec.label}
            {spec.essential && <Essential />}
          </legend>
          <div className="choices">
            {URGENCY_LEVELS.map((level, index) => (
              <label key={level} className={`choice urgency-${level}`}>
                <input type="radio" value={level} disabled={disabled} id={index === 0 ? id : undefined} {...register(name)} />
                {URGENCY_LABELS[level]}
              </label>
            ))}
          </div>
          {error && <FieldError id={`${id}-error`} message={error.message} />}
        </fieldset>
      );
    case 'date':
      control_ = <input type="date" {...common} {...register(name)} />;
      break;
    case 'integer':
      control_ = <input type="text" inputMode="numeric" autoComplete="off" {...common} {...register(name)} />;
      break;
    case 'email':
      control_ = <input type="email" autoComplete="off" {...common} {...register(name)} />;
      break;
    case 'phone':
      control_ = <input type="tel" autoComplete="off" {...common} {...register(name)} />;
      break;
    default:
      control_ =
        spec.path === 'goals_objectives.budget_range' ? (
          <>
            <input type="text" list={`${id}-options`} autoComplete="off" {...common} {...register(name)} />
            <datalist id={`${id}-options`}>
              {BUDGET_RANGES.map((range) => (
                <option key={range} value={range} />
              ))}
            </datalist>
          </>
        ) : (
          <input type="text" autoComplete="off" {...common} {...register(name)} />
        );
  }

  return (
    <div className={`field${spec.kind === 'longtext' || spec.kind === 'list' ? ' wide' : ''}`}>
      <label htmlFor={id}>
        {spec.label}
        {spec.essential && <Essential />}
      </label>
      {control_}
      {hint && !error && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && <FieldError id={`${id}-error`} message={error.message} />}
    </div>
  );
}

function Essential() {
  return (
    <span className="essential" title="Needed to complete">
      {' '}
      *<span className="visually-hidden"> (needed to complete)</span>
    </span>
  );
}

function FieldError({ id, message }: { id: string; message?: string }) {
  return (
    <small id={id} className="field-error" role="alert">
      {message}
    </small>
  );
}
