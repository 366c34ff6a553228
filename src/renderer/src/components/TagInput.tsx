import { useEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';

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

/** Pasted text becomes one entry per non-empty line. */
export function entriesOfPaste(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * A quick list input: type and press Enter to add (a comma is just text: "Lost €1,200 a week" is one
 * entry), paste several lines to add one entry per line, Backspace on an empty box removes the last entry.
 * Text being typed is already the list's last entry, so a pause autosaves it and a reload keeps it.
 */
export function TagInput({ id, value, onChange, onBlur, disabled, describedBy, invalid, placeholder, inputRef }: TagInputProps) {
  const items = value ?? [];
  const [typing, setTyping] = useState(false);
  const chips = typing ? items.slice(0, -1) : items;
  const text = typing ? (items[items.length - 1] ?? '') : '';
  const input = useRef<HTMLInputElement | null>(null);
  const list = useRef<HTMLUListElement | null>(null);

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
    if (event.key === 'Enter') {
      event.preventDefault();
      commit();
    } else if (event.key === 'Backspace' && !text && chips.length) {
      event.preventDefault();
      onChange(chips.slice(0, -1));
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const pasted = event.clipboardData.getData('text');
    if (!/[\r\n]/.test(pasted)) return; // one line: the input takes it as typed text
    event.preventDefault();
    const el = event.currentTarget;
    const joined = text.slice(0, el.selectionStart ?? text.length) + pasted + text.slice(el.selectionEnd ?? text.length);
    setTyping(false);
    onChange([...chips, ...entriesOfPaste(joined)]);
  };

  // After a removal, focus goes to the entry that took its place, or to the input after the last one.
  const focusAfterRemove = useRef<number | null>(null);
  useEffect(() => {
    const index = focusAfterRemove.current;
    if (index === null) return;
    focusAfterRemove.current = null;
    const buttons = list.current?.querySelectorAll<HTMLButtonElement>('button');
    (buttons && index < buttons.length ? buttons[index] : input.current)?.focus();
  });

  const remove = (index: number) => {
    focusAfterRemove.current = index;
    onChange(items.filter((_, i) => i !== index));
  };

  return (
    <div className={`tags${invalid ? ' invalid' : ''}`}>
      {chips.length > 0 && (
        <ul aria-label="Entries" ref={list}>
          {chips.map((item, index) => (
            <li key={`${index}-${item}`}>
              <span>{item}</span>
              {!disabled && (
                <button type="button" aria-label={`Remove ${item}`} onClick={() => remove(index)}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <input
        id={id}
        ref={(el) => {
          input.current = el;
          inputRef?.(el);
        }}
        value={text}
        disabled={disabled}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        placeholder={chips.length ? 'Add another, then Enter' : (placeholder ?? 'Type, then Enter')}
        onChange={(event) => type(event.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onBlur={() => {
          commit();
          onBlur?.();
        }}
      />
    </div>
  );
}
