import { createHash } from 'node:crypto';
import { canonicalSignedContent, type SignOffFields } from '@shared/consultation/signoff';
import type { WorkingSections } from '@shared/consultation/sections';

/** SHA-256 (hex) of a signed version's canonical content (src/shared/consultation/signoff.ts says what that is). */
export function signedContentHash(consultationId: string, sections: WorkingSections, signOff: SignOffFields): string {
  return createHash('sha256')
    .update(canonicalSignedContent(consultationId, sections, signOff), 'utf8')
    .digest('hex');
}
