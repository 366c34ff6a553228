/**
 * Focuses the element with this id as soon as it is in the page (a screen that loads its data first
 * renders it a moment later). Gives up after `timeoutMs`, or if the person already moved focus on.
 */
export function focusWhenShown(id: string, timeoutMs = 10_000): void {
  const startedOn = document.activeElement;
  const attempt = () => {
    const el = document.getElementById(id);
    if (!el) return false;
    el.focus();
    return true;
  };
  if (attempt()) return;
  const observer = new MutationObserver(() => {
    if (document.activeElement !== startedOn && document.activeElement !== document.body) observer.disconnect();
    else if (attempt()) observer.disconnect();
  });
  observer.observe(document.body, { childList: true, subtree: true });
  setTimeout(() => observer.disconnect(), timeoutMs);
}
