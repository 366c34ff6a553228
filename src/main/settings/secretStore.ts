import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where secrets (the Turso token) live: safeStorage in Electron, a 0600 file for the preview and tests. */
export interface SecretStore {
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
}

/** Secrets in a JSON file readable only by its owner (mode 0600), written atomically. */
export class FileSecretStore implements SecretStore {
  readonly file: string;

  constructor(folder: string, fileName = 'secrets.json') {
    this.file = join(folder, fileName);
  }

  protected read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    if ((statSync(this.file).mode & 0o077) !== 0) chmodSync(this.file, 0o600);
    return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
  }

  protected write(values: Record<string, string>): void {
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(values), { mode: 0o600 });
    renameSync(temp, this.file);
  }

  get(name: string): string | null {
    return this.read()[name] ?? null;
  }

  set(name: string, value: string): void {
    this.write({ ...this.read(), [name]: value });
  }

  delete(name: string): void {
    const values = this.read();
    delete values[name];
    this.write(values);
  }
}
