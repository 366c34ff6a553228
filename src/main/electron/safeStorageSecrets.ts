import { existsSync, rmSync } from 'node:fs';
import type { SafeStorage } from 'electron';
import { FileSecretStore, type SecretStore } from '../settings/secretStore';
import type { AppInfo } from '@shared/contract';

const SEALED_FILE = 'secrets.enc.json';

/** Secrets encrypted with the OS keychain (safeStorage) before they reach the 0600 file. */
export class SafeStorageSecretStore extends FileSecretStore {
  constructor(
    folder: string,
    private readonly safeStorage: Pick<SafeStorage, 'encryptString' | 'decryptString'>,
  ) {
    super(folder, SEALED_FILE);
  }

  override get(name: string): string | null {
    const sealed = this.read()[name];
    return sealed ? this.safeStorage.decryptString(Buffer.from(sealed, 'base64')) : null;
  }

  override set(name: string, value: string): void {
    this.write({ ...this.read(), [name]: this.safeStorage.encryptString(value).toString('base64') });
  }

  names(): string[] {
    return Object.keys(this.read());
  }
}

/** Secrets held only for this run of the app: nothing reaches the disk. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  get(name: string): string | null {
    return this.values.get(name) ?? null;
  }
  set(name: string, value: string): void {
    this.values.set(name, value);
  }
  delete(name: string): void {
    this.values.delete(name);
  }
}

/**
 * The keychain when there is a real one. Without it, or on Linux with safeStorage's `basic_text` backend (a
 * fixed key, as good as plain text), the token stays in memory until the app quits; a token sealed earlier
 * that way is read once into memory and its file removed, so it no longer sits on disk.
 */
export function chooseSecretStore(
  folder: string,
  safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'>,
  platform: NodeJS.Platform,
): { store: SecretStore; storage: NonNullable<AppInfo['secretStorage']> } {
  const sealed = new SafeStorageSecretStore(folder, safeStorage);
  const weak = platform === 'linux' && ['basic_text', 'unknown'].includes(safeStorage.getSelectedStorageBackend());
  if (safeStorage.isEncryptionAvailable() && !weak) return { store: sealed, storage: 'os-keychain' };
  const memory = new MemorySecretStore();
  if (existsSync(sealed.file)) {
    try {
      for (const name of sealed.names()) {
        const value = sealed.get(name);
        if (value !== null) memory.set(name, value);
      }
    } catch {
      // damaged or unreadable without its key: the consultant enters the token again
    }
    rmSync(sealed.file, { force: true });
  }
  return { store: memory, storage: 'memory' };
}
