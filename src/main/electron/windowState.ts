import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The window's size, position and maximized state, remembered across launches in the data folder.

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface WindowState {
  bounds: { x?: number; y?: number; width: number; height: number };
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 860 };
const MIN_SIZE = { width: 900, height: 600 };
/** How much of the title bar must be on a screen for the window to count as reachable. */
const VISIBLE_MIN = 80;

const FILE = 'window-state.json';

export function loadWindowState(folder: string): WindowState | null {
  const file = join(folder, FILE);
  if (!existsSync(file)) return null;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as WindowState;
    const { bounds } = value;
    if (![bounds.width, bounds.height].every(Number.isFinite)) return null;
    return { bounds, maximized: value.maximized === true };
  } catch {
    return null; // a damaged file only costs the remembered position
  }
}

export function saveWindowState(folder: string, state: WindowState): void {
  const file = join(folder, FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}

/**
 * Keeps the remembered window on a screen that exists now: when its monitor went away (or the resolution
 * shrank), it moves onto the primary screen's work area, no larger than that area.
 */
export function placeOnScreen(saved: WindowState | null, workAreas: readonly Rectangle[], primary: Rectangle): WindowState {
  if (!saved)
    return {
      bounds: { ...DEFAULT_SIZE, width: Math.min(DEFAULT_SIZE.width, primary.width), height: Math.min(DEFAULT_SIZE.height, primary.height) },
      maximized: false,
    };
  const { x, y } = saved.bounds;
  const width = Math.max(MIN_SIZE.width, saved.bounds.width);
  const height = Math.max(MIN_SIZE.height, saved.bounds.height);
  const reachable =
    x !== undefined &&
    y !== undefined &&
    workAreas.some((area) => {
      const overlapX = Math.min(x + width, area.x + area.width) - Math.max(x, area.x);
      // The title bar (top of the window) must be inside the area, so the window can be dragged.
      return overlapX >= VISIBLE_MIN && y >= area.y && y <= area.y + area.height - VISIBLE_MIN;
    });
  if (reachable) return { bounds: { x, y, width, height }, maximized: saved.maximized };
  const fitted = { width: Math.min(width, primary.width), height: Math.min(height, primary.height) };
  return {
    bounds: { x: primary.x + Math.round((primary.width - fitted.width) / 2), y: primary.y + Math.round((primary.height - fitted.height) / 2), ...fitted },
    maximized: saved.maximized,
  };
}
