import { openDatabase } from '../../src/main/db/client';
import { BackupService } from '../../src/main/backup/backupService';

// Run by halfWrittenBackup.test.ts under a file-size limit (ulimit -f): the daily backup into `folder`
// of the database at `file` is cut off part-way, as a full disk or a power cut would.
const [file, folder] = process.argv.slice(2) as [string, string];
const database = openDatabase(file, { readonly: true });
await new BackupService(() => database, folder).ensureDaily();
console.log('backup finished');
