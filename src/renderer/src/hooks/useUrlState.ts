import { useCallback, useState } from 'react';

/**
 * A piece of screen state (search words, a filter, a sort) kept in the address's query string, so a
 * reload, or the way back from a consultation, shows the same list. Routes live in the hash; the query
 * string before it is free for this. Values outside `allowed` (an edited address) fall back to `fallback`.
 */
export function useUrlState<T extends string>(name: string, fallback: T, allowed?: readonly string[]): [T, (next: T) => void] {
  const [value, setValue] = useState<T>(() => {
    const stored = new URLSearchParams(window.location.search).get(name);
    return stored !== null && (!allowed || allowed.includes(stored)) ? (stored as T) : fallback;
  });
  const update = useCallback(
    (next: T) => {
      setValue(next);
      const url = new URL(window.location.href);
      if (next === fallback) url.searchParams.delete(name);
      else url.searchParams.set(name, next);
      history.replaceState(history.state, '', url);
    },
    [name, fallback],
  );
  return [value, update];
}
