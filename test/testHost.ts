import { startAppHost, type AppHost, type AppHostOptions } from '../src/main/appHost';

/** The app host as tests start it: the browser preview's shell, no daily backup and no background sync unless asked. */
export function startTestHost(dataFolder: string, options: Partial<Omit<AppHostOptions, 'dataFolder'>> = {}): AppHost {
  return startAppHost({ dataFolder, shell: 'browser-preview', version: 't', autoBackup: false, backgroundSync: false, ...options });
}
