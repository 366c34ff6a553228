import type { AppInfo } from '@shared/contract';

/** Says where the sync token is kept when it is not the OS keychain, so nobody is surprised after a restart. */
export function TokenStorageNote({ storage }: { storage: AppInfo['secretStorage'] }) {
  if (storage !== 'memory') return null;
  return (
    <p className="notice" role="note">
      This computer has no keychain Fieldbook can lock the sync token in, so the token is kept only in memory while Fieldbook is open and is never written to
      disk. After you quit, enter it again to sync.
    </p>
  );
}
