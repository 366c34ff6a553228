import { safeStorage } from 'electron';
import { FileSecretStore } from '../settings/secretStore';

/** Secrets encrypted with the OS keychain (safeStorage) before they reach the 0600 file. */
export class SafeStorageSecretStore extends FileSecretStore {
  constructor(folder: string) {
    super(folder, 'secrets.enc.json');
  }

  override get(name: string): string | null {
    const sealed = this.read()[name];
    return sealed ? safeStorage.decryptString(Buffer.from(sealed, 'base64')) : null;
  }

  override set(name: string, value: string): void {
    this.write({ ...this.read(), [name]: safeStorage.encryptString(value).toString('base64') });
  }
}
