import type { UrgencyLevel } from '@shared/consultation/fields';

// Urgency said in words (never by colour alone), spelled the same on every screen.
export const URGENCY_LABELS: Record<UrgencyLevel, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };
