import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import type { User } from '@shared/consultation/model';

/** The users table: this consultant and, through sync, their teammates. */
export class UsersStore {
  constructor(private readonly db: Db) {}

  byId(id: string): User | undefined {
    return this.db.select().from(users).where(eq(users.id, id)).get();
  }

  insert(user: User): void {
    this.db.insert(users).values(user).run();
  }

  insertIfNew(user: User): void {
    this.db.insert(users).values(user).onConflictDoNothing().run();
  }

  rename(id: string, change: { name: string; email: string; updatedAt: string }): void {
    this.db.update(users).set(change).where(eq(users.id, id)).run();
  }

  delete(id: string): void {
    this.db.delete(users).where(eq(users.id, id)).run();
  }

  /** Runs work in one transaction (drizzle's, on the same connection). */
  transaction(work: () => void): void {
    this.db.transaction(work);
  }
}
