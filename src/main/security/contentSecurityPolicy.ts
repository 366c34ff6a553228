// One Content-Security-Policy for both shells: no inline script, no remote origins, no plugins, no framing.
// 'unsafe-inline' for styles only: React sets style attributes (e.g. virtualised list rows).
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
