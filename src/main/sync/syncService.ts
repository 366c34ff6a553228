import type { RemoteClient as Client } from './remoteClient';
import type { MigrationMeta } from '../db/migrate';
import type { LocalDatabase } from '../db/client';
import type { SettingsStore } from '../settings/settingsStore';
import type { SecretStore } from '../settings/secretStore';
import { pendingChanges, SyncEngine } from './syncEngine';
import { SyncScheduler } from './syncScheduler';
import { createRemoteClient } from './remoteClient';
import { remoteSchemaVersion } from './remoteSchema';
import { latestSchemaVersion } from '../db/migrate';
import { AppFailure, validationFailure } from '../../shared/errors';
import { newId } from '../clock';
import { saveSyncSettingsSchema, testConnectionSchema, type SyncSettings } from '../../shared/sync';
import type { SyncStatus } from '../../shared/contract';

const CONFIG_KEY = 'sync_config';
const TOKEN = 'turso_token';
const DEVICE_KEY = 'device_id';

interface SyncConfig {
  url: string;
  enabled: boolean;
  intervalMinutes: number;
}

/** Sync settings, the token kept in the secret store, and the background job that uses them. */
export class SyncService {
  readonly scheduler: SyncScheduler;
  private remote: { key: string; client: Client } | null = null;

  constructor(
    private readonly database: () => LocalDatabase,
    private readonly settings: () => SettingsStore,
    private readonly secrets: SecretStore,
    private readonly migrations: readonly MigrationMeta[],
    emit: (status: SyncStatus) => void,
    pulledChanges: () => void = () => {},
  ) {
    this.scheduler = new SyncScheduler({
      engine: () => this.engine(),
      intervalMs: () => (this.config()?.intervalMinutes ?? 5) * 60_000,
      pending: () => pendingChanges(this.database().sqlite),
      emit,
      pulledChanges,
    });
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

  private engine(): SyncEngine | null {
    const config = this.config();
    if (!config?.enabled || !config.url) return null;
    const token = this.secrets.get(TOKEN) ?? undefined;
    const key = `${config.url}\n${token ?? ''}`;
    if (this.remote?.key !== key) {
      this.remote?.client.close();
      this.remote = { key, client: createRemoteClient({ url: config.url, authToken: token }) };
    }
    return new SyncEngine({
      database: this.database,
      remote: this.remote.client,
      deviceId: this.deviceId(),
      migrations: this.migrations,
      settings: this.settings(),
      onProgress: ({ done, total }) => this.scheduler.progress(done, total),
    });
  }

  getSettings(): SyncSettings {
    const config = this.config();
    return { url: config?.url ?? '', enabled: config?.enabled ?? false, intervalMinutes: config?.intervalMinutes ?? 5, hasToken: this.secrets.get(TOKEN) !== null };
  }

  saveSettings(input: unknown): SyncSettings {
    const parsed = saveSyncSettingsSchema.safeParse(input);
    if (!parsed.success) throw validationFailure(parsed.error, 'Check the sync settings');
    const { url, token, enabled, intervalMinutes } = parsed.data;
    if (token !== undefined) {
      if (token === '') this.secrets.delete(TOKEN);
      else this.secrets.set(TOKEN, token);
    }
    this.settings().set(CONFIG_KEY, { url, enabled, intervalMinutes });
    void this.scheduler.nudge();
    return this.getSettings();
  }

  /** Reaches the team database with the given (or saved) credentials, changing nothing. */
  async testConnection(input: unknown): Promise<{ ok: boolean; message: string }> {
    const parsed = testConnectionSchema.safeParse(input);
    if (!parsed.success) throw validationFailure(parsed.error, 'Check the sync settings');
    const client = createRemoteClient({ url: parsed.data.url, authToken: parsed.data.token || (this.secrets.get(TOKEN) ?? undefined), timeoutMs: 8_000 });
    try {
      const version = await remoteSchemaVersion(client);
      const known = latestSchemaVersion(this.migrations);
      if (version > known) return { ok: false, message: 'Connected, but the team database is newer than this app. Update Fieldbook to sync.' };
      return { ok: true, message: version === 0 ? 'Connected. The team database is empty; the first sync sets it up.' : 'Connected to the team database.' };
    } catch (error) {
      return { ok: false, message: `Could not connect: ${(error as Error).message}` };
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
