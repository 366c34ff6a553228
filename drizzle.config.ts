import { defineConfig } from 'drizzle-kit';

// drizzle-kit generates the local SQLite migrations from the schema; they are committed and never edited.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/main/db/schema.ts',
  out: './migrations/sqlite',
  strict: true,
  verbose: true,
});
