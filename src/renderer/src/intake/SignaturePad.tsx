import { forwardRef, useImperativeHandle, useRef, useState } from 'react';

export interface SignaturePadHandle {
  /** The drawing as a PNG data URL, or null when nothing was drawn. */
  toPng(): string | null;
  clear(): void;
}

const WIDTH = 480;
const HEIGHT = 160;

/**
 * A canvas the client signs on with a mouse, a finger or a pen (pointer events cover all three). Pointer
 * capture keeps a stroke going when it leaves the box; touch-action: none stops the page scrolling instead.
 */
export const SignaturePad = forwardRef<SignaturePadHandle, { label: string; onInk: (hasInk: boolean) => void }>(function SignaturePad({ label, onInk }, ref) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const [hasInk, setHasInk] = useState(false);

  const point = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    // The canvas may be drawn smaller or larger than its pixel size: strokes land where the pointer is.
    return { x: ((event.clientX - box.left) * WIDTH) / box.width, y: ((event.clientY - box.top) * HEIGHT) / box.height };
  };
  const line = (from: { x: number; y: number }, to: { x: number; y: number }, pressure: number) => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.strokeStyle = '#111';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 1.5 + 2 * (pressure || 0.5);
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  };
  const inked = () => {
    if (!hasInk) {
      setHasInk(true);
      onInk(true);
    }
  };

  useImperativeHandle(ref, () => ({
    toPng: () => (hasInk && canvas.current ? canvas.current.toDataURL('image/png') : null),
    clear: () => {
      canvas.current?.getContext('2d')?.clearRect(0, 0, WIDTH, HEIGHT);
      setHasInk(false);
      onInk(false);
    },
  }));

  return (
    <canvas
      ref={canvas}
      className="signature-pad"
      width={WIDTH}
      height={HEIGHT}
      role="img"
      aria-label={label}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        last.current = point(event);
        line(last.current, { x: last.current.x + 0.1, y: last.current.y + 0.1 }, event.pressure);
        inked();
      }}
      onPointerMove={(event) => {
        if (!last.current) return;
        const next = point(event);
        line(last.current, next, event.pressure);
        last.current = next;
      }}
      onPointerUp={() => {
        last.current = null;
      }}
      onPointerCancel={() => {
        last.current = null;
      }}
    />
  );
});
