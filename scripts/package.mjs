// Packages the desktop app with electron-builder (after `electron-vite build` and the native rebuild).
// The update feed is a build-time choice: with FIELDBOOK_UPDATE_URL set, electron-builder writes the generic
// feed into the app (app-update.yml) and the latest*.yml files beside the installers; without it the app has
// no feed and never checks. Signing and notarization read their own environment variables (see README.md).
import { build } from 'electron-builder';

const feed = process.env.FIELDBOOK_UPDATE_URL?.trim();
const config = feed ? { publish: [{ provider: 'generic', url: feed }] } : {};
if (!feed) console.log('FIELDBOOK_UPDATE_URL is not set: packaging without an update feed.');
await build({ config, publish: 'never' });
