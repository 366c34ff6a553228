import type { RemoteClient as Client } from './remoteClient';
import type { MigrationMeta } from '../db/migrate';
import type { LocalDatabase } from '../db/client';
import type { SettingsStore } from '../settings/settingsStore';
import type { SecretStore } from '../settings/secretStore';
import { pendingChanges, SyncEngine } from './syncEngine';
import { SyncScheduler } from './syncScheduler';
import { createRemoteClient, DEFAULT_TIMEOUT_MS } from './remoteClient';
import { LinkSizer } from './batchSizing';
import { describeSyncError } from './syncErrors';
import { remoteSchemaVersion } from './remoteSchema';
import { latestSchemaVersion } from '../db/migrate';
import { AppFailure, validationFailure } from '@shared/errors';
import { newId } from '../clock';
import { saveSyncSettingsSchema, testConnectionSchema, type SyncSettings } from '@shared/sync';
import type { SyncStatus } from '@shared/contract';
import type { WriterTurns } from '../db/writerTurns';

const CONFIG_KEY = 'sync_config';
const TOKEN = 'turso_token';
const DEVICE_KEY = 'device_id';
const TEST_TIMEOUT_MS = 8_000;

interface SyncConfig {
  url: string;
  enabled: boolean;
  intervalMinutes: number;
}

/**
 * The token and the URL it was entered for, kept together in the secret store (outside the database, so a
 * restored backup cannot change either). The token is only ever sent to that URL.
 */
interface BoundToken {
  url: string;
  token: string;
}

/** Sync settings, the token kept in the secret store, and the background job that uses them. */
export class SyncService {
  readonly scheduler: SyncScheduler;
  private remote: { key: string; client: Client } | null = null;
  /** What the link carried lately: sizes the next run's batches and pages. */
  private sizer = new LinkSizer({ timeoutMs: DEFAULT_TIMEOUT_MS });
  /** The engine of the latest run (it holds that run's pull worker). */
  private latest: SyncEngine | null = null;
  /** A database a restore is replacing: no pull worker opens it again. */
  private replacing: LocalDatabase | null = null;

  constructor(
    private readonly database: () => LocalDatabase,
    private readonly settings: () => SettingsStore,
    private readonly secrets: SecretStore,
    private readonly migrations: readonly MigrationMeta[],
    emit: (status: SyncStatus) => void,
    pulledChanges: () => void = () => {},
    /** Where the pull worker finds the migrations (the app's folder): big pull pages are applied there. */
    private readonly pullWorker?: { migrationsFolder: string; writers?: WriterTurns },
  ) {
    this.scheduler = new SyncScheduler({
      engine: () => this.engine(),
      intervalMs: () => (this.config()?.intervalMinutes ?? 5) * 60_000,
      pending: () => pendingChanges(this.database().sqlite),
      emit,
      pulledChanges,
      describe: (error) => describeSyncError(error, { tokenSent: this.tokenFor(this.config()?.url ?? '') !== undefined }),
      enabled: () => this.syncOn(),
    });
    this.bindLegacyToken();
  }

  /** A token saved before tokens were bound to a URL belongs to the URL configured when this version first starts. */
  private bindLegacyToken(): void {
    const raw = this.secrets.get(TOKEN);
    if (raw === null || this.parseBound(raw)) return;
    const url = this.config()?.url;
    if (url) this.secrets.set(TOKEN, JSON.stringify({ url, token: raw } satisfies BoundToken));
    else this.secrets.delete(TOKEN);
  }

  private parseBound(raw: string): BoundToken | null {
    try {
      const value = JSON.parse(raw) as Partial<BoundToken>;
      return typeof value?.url === 'string' && typeof value.token === 'string' ? { url: value.url, token: value.token } : null;
    } catch {
      return null;
    }
  }

  /** The saved token if it was entered for exactly this URL; otherwise none (a different URL needs the token again). */
  private tokenFor(url: string): string | undefined {
    const raw = this.secrets.get(TOKEN);
    const bound = raw === null ? null : this.parseBound(raw);
    return bound && bound.url === url ? bound.token : undefined;
  }

  private config(): SyncConfig | undefined {
    return this.settings().get<SyncConfig>(CONFIG_KEY);
  }

  private deviceId(): string {
    let id = this.settings().get<string>(DEVICE_KEY);
    if (!id) {
      id = newId();
      this.settings().set(DEVICE_KEY, id);
    }
    return id;
  }

  /** Sync is on when Settings turn it on and name a team database. */
  private syncOn(config = this.config()): config is SyncConfig {
    return Boolean(config?.enabled && config.url);
  }

  private engine(): SyncEngine | null {
    const config = this.config();
    if (!this.syncOn(config)) return null;
    const token = this.tokenFor(config.url);
    const key = `${config.url}\n${token ?? ''}`;
    if (this.remote?.key !== key) {
      this.remote?.client.close();
      this.remote = { key, client: createRemoteClient({ url: config.url, authToken: token }) };
      this.sizer = new LinkSizer({ timeoutMs: DEFAULT_TIMEOUT_MS });
    }
    this.latest = new SyncEngine({
      database: this.database,
      remote: this.remote.client,
      deviceId: this.deviceId(),
      migrations: this.migrations,
      settings: this.settings(),
      sizing: this.sizer,
      pullWorker: this.pullWorker && { ...this.pullWorker, mayOpen: (database) => database !== this.replacing },
      onProgress: ({ done, total }) => this.scheduler.progress(done, total),
    });
    return this.latest;
  }

  /**
   * A restore is about to replace the database file: the pull worker writing it stops now (its page rolled
   * back; the run fails and a later one pulls again) and none starts over that file again.
   */
  async releaseDatabase(): Promise<void> {
    this.replacing = this.database();
    await this.latest?.stopWorker();
  }

  getSettings(): SyncSettings {
    const config = this.config();
    const url = config?.url ?? '';
    return { url, enabled: config?.enabled ?? false, intervalMinutes: config?.intervalMinutes ?? 5, hasToken: url !== '' && this.tokenFor(url) !== undefined };
  }

  saveSettings(input: unknown): SyncSettings {
    const parsed = saveSyncSettingsSchema.safeParse(input);
    if (!parsed.success) throw validationFailure(parsed.error, 'Check the sync settings');
    const { url, token, enabled, intervalMinutes } = parsed.data;
    if (url === '') {
      // Cleared: nothing is kept that could be sent anywhere.
      this.secrets.delete(TOKEN);
      this.settings().delete(CONFIG_KEY);
      void this.scheduler.nudge();
      return this.getSettings();
    }
    if (token === '') this.secrets.delete(TOKEN);
    else if (token !== undefined) this.secrets.set(TOKEN, JSON.stringify({ url, token } satisfies BoundToken));
    // Without a new token, one saved for another URL stays bound to that URL and is not sent to this one.
    this.settings().set(CONFIG_KEY, { url, enabled, intervalMinutes });
    void this.scheduler.nudge();
    return this.getSettings();
  }

  /** Reaches the team database with the given (or saved) credentials, changing nothing. */
  async testConnection(input: unknown): Promise<{ ok: boolean; message: string }> {
    const parsed = testConnectionSchema.safeParse(input);
    if (!parsed.success) throw validationFailure(parsed.error, 'Check the sync settings');
    const { url, token } = parsed.data;
    const authToken = token || this.tokenFor(url);
    const client = createRemoteClient({ url, authToken, timeoutMs: TEST_TIMEOUT_MS });
    try {
      const version = await remoteSchemaVersion(client);
      const known = latestSchemaVersion(this.migrations);
      if (version > known) return { ok: false, message: 'Connected, but the team database is newer than this app. Update Fieldbook to sync.' };
      return { ok: true, message: version === 0 ? 'Connected. The team database is empty; the first sync sets it up.' : 'Connected to the team database.' };
    } catch (error) {
      console.warn('Sync connection test failed', error);
      return { ok: false, message: describeSyncError(error, { tokenSent: authToken !== undefined }).message };
    } finally {
      client.close();
    }
  }

  async syncNow(): Promise<SyncStatus> {
    if (!this.config()?.enabled) throw new AppFailure('invalid_state', 'Sync is off. Turn it on in Settings first.');
    await this.scheduler.nudge();
    return this.scheduler.status;
  }

  async stop(): Promise<void> {
    await this.scheduler.stop();
    this.remote?.client.close();
    this.remote = null;
  }
}
