import { useState, type KeyboardEvent } from 'react';

interface TagInputProps {
  id: string;
  value: string[] | undefined;
  onChange: (next: string[]) => void;
  onBlur?: () => void;
  disabled?: boolean;
  describedBy?: string;
  invalid?: boolean;
  placeholder?: string;
  inputRef?: (el: HTMLInputElement | null) => void;
}

/**
 * A quick list input: type and press Enter (or comma) to add, Backspace on an empty box removes the last
 * entry. Text being typed is already the list's last entry, so a pause autosaves it and a reload keeps it.
 */
export function TagInput({ id, value, onChange, onBlur, disabled, describedBy, invalid, placeholder, inputRef }: TagInputProps) {
  const items = value ?? [];
  const [typing, setTyping] = useState(false);
  const chips = typing ? items.slice(0, -1) : items;
  const text = typing ? (items[items.length - 1] ?? '') : '';

  const commit = () => {
    if (!typing) return;
    setTyping(false);
    const trimmed = text.trim();
    onChange(trimmed ? [...chips, trimmed] : chips);
  };

  const type = (next: string) => {
    if (!next) {
      setTyping(false);
      onChange(chips);
      return;
    }
    setTyping(true);
    onChange([...chips, next]);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      commit();
    } else if (event.key === 'Backspace' && !text && chips.length) {
      event.preventDefault();
      onChange(chips.slice(0, -1));
    }
  };

  return (
    <div className={`tags${invalid ? ' invalid' : ''}`}>
      {chips.length > 0 && (
        <ul aria-label="Entries">
          {chips.map((item, index) => (
            <li key={`${index}-${item}`}>
              <span>{item}</span>
              {!disabled && (
                <button type="button" aria-label={`Remove ${item}`} onClick={() => onChange(items.filter((_, i) => i !== index))}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <input
        id={id}
        ref={inputRef}
        value={text}
        disabled={disabled}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        placeholder={chips.length ? 'Add another, then Enter' : (placeholder ?? 'Type, then Enter')}
        onChange={(event) => type(event.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => {
          commit();
          onBlur?.();
        }}
      />
    </div>
  );
}
