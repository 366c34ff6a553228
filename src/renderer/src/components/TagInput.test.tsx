// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { useState } from 'react';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TagInput } from './TagInput';

afterEach(cleanup);

function Harness({ initial = [] as string[], onValue }: { initial?: string[]; onValue: (v: string[]) => void }) {
  const [value, setValue] = useState<string[]>(initial);
  return (
    <>
      <label htmlFor="t">Goals</label>
      <TagInput id="t" value={value} onChange={(v) => (setValue(v), onValue(v))} />
      <button type="button">elsewhere</button>
    </>
  );
}

describe('TagInput', () => {
  it('adds entries with Enter, trimmed, and removes the last with Backspace', async () => {
    const values: string[][] = [];
    render(<Harness onValue={(v) => values.push(v)} />);
    const input = screen.getByLabelText('Goals');
    await userEvent.type(input, ' More leads {Enter}Fewer refunds{Enter}');
    expect(values.at(-1)).toEqual(['More leads', 'Fewer refunds']);
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['More leads×', 'Fewer refunds×']);
    await userEvent.type(input, '{Backspace}');
    expect(values.at(-1)).toEqual(['More leads']);
  });

  it('keeps a comma as text: one entry, not three', async () => {
    const values: string[][] = [];
    render(<Harness onValue={(v) => values.push(v)} />);
    await userEvent.type(screen.getByLabelText('Goals'), 'Lost €1,200 per week, mostly on Saturdays{Enter}');
    expect(values.at(-1)).toEqual(['Lost €1,200 per week, mostly on Saturdays']);
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
  });

  it('turns pasted lines into one entry each, joined with what was already typed', async () => {
    const values: string[][] = [];
    render(<Harness initial={['Existing']} onValue={(v) => values.push(v)} />);
    const input = screen.getByLabelText('Goals');
    await userEvent.type(input, 'Late ');
    await userEvent.paste('deliveries, often\r\n\n  Stock outs  \nNo, really');
    expect(values.at(-1)).toEqual(['Existing', 'Late deliveries, often', 'Stock outs', 'No, really']);
    expect(input).toHaveProperty('value', '');
  });

  it('makes text still being typed part of the value, so autosave keeps it', async () => {
    const values: string[][] = [];
    render(<Harness initial={['Existing']} onValue={(v) => values.push(v)} />);
    await userEvent.type(screen.getByLabelText('Goals'), 'Half typ');
    expect(values.at(-1)).toEqual(['Existing', 'Half typ']);
    await userEvent.click(screen.getByRole('button', { name: 'elsewhere' }));
    expect(values.at(-1)).toEqual(['Existing', 'Half typ']);
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
  });

  it('removes a chosen entry with its button and moves focus to the next entry, then to the input', async () => {
    const values: string[][] = [];
    render(<Harness initial={['a', 'b', 'c']} onValue={(v) => values.push(v)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Remove b' }));
    expect(values.at(-1)).toEqual(['a', 'c']);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove c' }));
    await userEvent.keyboard('{Enter}');
    expect(values.at(-1)).toEqual(['a']);
    expect(document.activeElement).toBe(screen.getByLabelText('Goals'));
  });
});
