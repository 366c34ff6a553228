import { describe, expect, it } from 'vitest';
import { rowsOfPages } from './listPages';

describe('rowsOfPages', () => {
  it('lists each consultation once, keeping the copy from the later page', () => {
    const pages = [
      {
        items: [
          { id: 'a', v: 1 },
          { id: 'b', v: 1 },
          { id: 'c', v: 1 },
        ],
      },
      // "b" was edited after page 1 was read and moved past the cursor (an ascending sort on last update).
      {
        items: [
          { id: 'd', v: 1 },
          { id: 'b', v: 2 },
        ],
      },
    ];
    expect(rowsOfPages(pages)).toEqual([
      { id: 'a', v: 1 },
      { id: 'c', v: 1 },
      { id: 'd', v: 1 },
      { id: 'b', v: 2 },
    ]);
  });

  it('keeps every row when none repeats, and lists nothing before the first page', () => {
    const pages = [{ items: [{ id: 'a' }, { id: 'b' }] }, { items: [{ id: 'c' }] }];
    expect(rowsOfPages(pages)).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    expect(rowsOfPages(undefined)).toEqual([]);
  });
});
