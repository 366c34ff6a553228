import { describe, expect, it } from 'vitest';
import { completionOf, COMPLETION_UNITS } from './completion';
import { EMPTY_SECTIONS } from './sections';
import { fullSections } from '../../../test/arbitraries';

describe('completion', () => {
  it('is 0 for an empty intake, lists every unit as missing, and cannot complete', () => {
    const c = completionOf(EMPTY_SECTIONS);
    expect(c.percentage).toBe(0);
    expect(c.missing).toHaveLength(COMPLETION_UNITS);
    expect(c.canComplete).toBe(false);
  });

  it('is 100 with nothing missing for a full intake', () => {
    expect(completionOf(fullSections())).toEqual({ percentage: 100, missing: [], canComplete: true });
  });

  it('counts the three social profiles as one unit, filled by any one of them', () => {
    const s = fullSections();
    s.contact_info.social_media = { facebook: '@acme' };
    expect(completionOf(s).percentage).toBe(100);
    delete s.contact_info.social_media;
    const c = completionOf(s);
    expect(c.missing).toEqual([{ path: 'contact_info.social_media.linkedin', label: 'Social media', section: 'contact_info', essential: false }]);
    expect(c.percentage).toBe(Math.floor(((COMPLETION_UNITS - 1) / COMPLETION_UNITS) * 100));
    expect(c.canComplete).toBe(true);
  });

  it('treats blank text and lists of blanks as missing, and names the essential fields', () => {
    const s = fullSections();
    s.contact_info.email = '   ';
    s.pain_points.primary_challenges = ['', '  '];
    const c = completionOf(s);
    expect(c.canComplete).toBe(false);
    expect(c.missing.filter((m) => m.essential).map((m) => m.path)).toEqual(['contact_info.email', 'pain_points.primary_challenges']);
  });
});
