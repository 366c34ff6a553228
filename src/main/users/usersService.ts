import type { UsersStore } from '../store/usersStore';
import { after, newId, now } from '../clock';
import { AppFailure, validationFailure } from '@shared/errors';
import { profileInputSchema, type User } from '@shared/consultation/model';
import type { SettingsStore } from '../settings/settingsStore';

const CURRENT_USER_KEY = 'current_user_id';

/**
 * The consultant using this laptop is one `users` row, made on first run from the welcome screen.
 * Teammates' rows arrive with sync.
 */
export class UsersService {
  constructor(
    private readonly users: UsersStore,
    private readonly settings: SettingsStore,
  ) {}

  current(): User | null {
    const id = this.settings.get<string>(CURRENT_USER_KEY);
    if (!id) return null;
    return this.users.byId(id) ?? null;
  }

  /** The current user's id, or a typed error the UI answers by showing the welcome screen. */
  requireCurrentId(): string {
    const id = this.settings.get<string>(CURRENT_USER_KEY);
    if (!id) throw new AppFailure('profile_required', 'Set up your profile first.');
    return id;
  }

  /** Creates the profile on first run, or updates the name and email after. */
  saveProfile(input: unknown): User {
    const parsed = profileInputSchema.safeParse(input);
    if (!parsed.success) throw validationFailure(parsed.error, 'Check your profile');
    const { name, email } = parsed.data;
    const existing = this.current();
    if (existing) {
      const updatedAt = after(existing.updatedAt);
      this.users.rename(existing.id, { name, email, updatedAt });
      return { ...existing, name, email, updatedAt };
    }
    const timestamp = now();
    const user: User = { id: newId(), name, email, createdAt: timestamp, updatedAt: timestamp };
    this.users.transaction(() => {
      this.users.insert(user);
      this.settings.set(CURRENT_USER_KEY, user.id);
    });
    return user;
  }

  /**
   * A new laptop whose welcome screen made a fresh profile meets the consultant's own identity (same email)
   * in a file: if the fresh profile owns nothing yet, this device becomes that consultant.
   */
  adoptIdentity(twin: User, ownsNothing: boolean): boolean {
    const me = this.current();
    if (!me || me.id === twin.id || me.email.toLowerCase() !== twin.email.toLowerCase() || !ownsNothing) return false;
    // Runs inside the caller's transaction (an import adopts only if the whole file goes in).
    this.users.insertIfNew(twin);
    this.settings.set(CURRENT_USER_KEY, twin.id);
    this.users.delete(me.id);
    return true;
  }

  byId(id: string): User | null {
    return this.users.byId(id) ?? null;
  }
}
