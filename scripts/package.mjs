// Packages the desktop app with electron-builder (after `electron-vite build` and the native rebuild).
// The update feed is a build-time choice: with FIELDBOOK_UPDATE_URL set, electron-builder writes the generic
// feed into the app (app-update.yml) and the latest*.yml files beside the installers; without it the app has
// no feed and never checks. Signing and notarization read their own environment variables (see README.md).
import { pathToFileURL } from 'node:url';
import { build } from 'electron-builder';

/** Configuration added to electron-builder.yml for this build. */
export function packagingConfig(env = process.env) {
  const feed = env.FIELDBOOK_UPDATE_URL?.trim();
  return feed ? { publish: [{ provider: 'generic', url: feed }] } : {};
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!process.env.FIELDBOOK_UPDATE_URL?.trim()) console.log('FIELDBOOK_UPDATE_URL is not set: packaging without an update feed.');
  await build({ config: packagingConfig(), publish: 'never' });
}
