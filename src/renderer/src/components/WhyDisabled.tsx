/**
 * Why a button is disabled, in words beside it and linked with aria-describedby (a tooltip alone is
 * missed by keyboard, touch and screen-reader users). Renders nothing while the button is usable.
 */
export function WhyDisabled({ id, reason }: { id: string; reason: string | null }) {
  if (!reason) return null;
  return (
    <small id={id} className="why-disabled">
      {reason}
    </small>
  );
}

/** Props for the button that `WhyDisabled` explains. */
export const disabledBecause = (id: string, reason: string | null) => ({ disabled: reason !== null, 'aria-describedby': reason ? id : undefined });
