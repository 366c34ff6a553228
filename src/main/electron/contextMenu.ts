import { Menu, type ContextMenuParams, type MenuItemConstructorOptions, type WebContents } from 'electron';

type Params = Pick<ContextMenuParams, 'isEditable' | 'misspelledWord' | 'dictionarySuggestions' | 'selectionText' | 'editFlags'>;
type Contents = Pick<WebContents, 'replaceMisspelling'> & { session: Pick<WebContents['session'], 'addWordToSpellCheckerDictionary'> };

const MAX_SUGGESTIONS = 5;

/** Right-click: spelling suggestions on a misspelled word, then cut/copy/paste/select all where they apply. */
export function contextMenuTemplate(params: Params, contents: Contents): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [];
  if (params.isEditable && params.misspelledWord) {
    const suggestions = params.dictionarySuggestions.slice(0, MAX_SUGGESTIONS);
    for (const suggestion of suggestions) items.push({ label: suggestion, click: () => contents.replaceMisspelling(suggestion) });
    if (suggestions.length === 0) items.push({ label: 'No spelling suggestions', enabled: false });
    const word = params.misspelledWord;
    items.push({ label: 'Add to Dictionary', click: () => contents.session.addWordToSpellCheckerDictionary(word) }, { type: 'separator' });
  }
  if (params.isEditable) {
    items.push(
      { role: 'cut', enabled: params.editFlags.canCut },
      { role: 'copy', enabled: params.editFlags.canCopy },
      { role: 'paste', enabled: params.editFlags.canPaste },
      { type: 'separator' },
      { role: 'selectAll', enabled: params.editFlags.canSelectAll },
    );
  } else if (params.selectionText.trim()) {
    items.push({ role: 'copy' });
  }
  return items;
}

export function attachContextMenu(contents: WebContents): void {
  contents.on('context-menu', (_event, params) => {
    const template = contextMenuTemplate(params, contents);
    if (template.length) Menu.buildFromTemplate(template).popup();
  });
}
