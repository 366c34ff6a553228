/** The pause in typing after which the draft is saved. */
export const AUTOSAVE_DELAY_MS = 600;
/** The pause in typing in the search box after which the list is searched. */
export const SEARCH_DEBOUNCE_MS = 200;
