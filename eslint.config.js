import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

// Process boundaries, enforced: only src/main/electron imports electron; src/shared is pure TypeScript;
// the renderer is web content with no Node.
const nodeModules = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noElectron = { name: 'electron', message: 'Only src/main/electron/ may import electron.' };
const noNode = nodeModules.map((name) => ({ name, message: 'Node modules are not available here.' }));
const databaseLibraries = ['better-sqlite3', 'drizzle-orm', 'drizzle-orm/*', '@libsql/*'];
/** Where those libraries may be imported (mirrored by test/boundaries.test.ts). */
export const DATABASE_DOORS = ['src/main/db/**', 'src/main/store/**', 'src/main/sync/remoteClient.ts'];
/** Any import or re-export whose source climbs into src/shared with ../ instead of the '@shared/…' alias. */
const sharedByAlias = ['ImportDeclaration', 'ImportExpression', 'ExportNamedDeclaration', 'ExportAllDeclaration'].map((node) => ({
  selector: `${node}[source.value=/^\\.{1,2}\\/(.*\\/)?shared\\//]`,
  message: "Import src/shared as '@shared/…'.",
}));
const mainOnly = ['better-sqlite3', 'drizzle-orm', 'drizzle-orm/*', '@libsql/*'].map((group) => group);

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'artifacts/**', 'migrations/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  {
    // One door per table: database libraries only in the db layer, the store, and the sync remote client.
    files: ['src/main/**/*.ts'],
    ignores: [...DATABASE_DOORS, 'src/main/electron/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [{ group: databaseLibraries, message: 'Database libraries stay in src/main/db, src/main/store and src/main/sync/remoteClient.ts.' }],
        },
      ],
    },
  },
  {
    files: ['src/main/electron/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/shared/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...noNode],
          patterns: [{ group: ['**/main/**', '**/renderer/**', '**/preload/**', ...mainOnly], message: 'src/shared imports nothing of the processes.' }],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...noNode],
          patterns: [{ group: ['**/main/**', '**/preload/**', ...mainOnly], message: 'The renderer reaches main only through the typed API.' }],
        },
      ],
    },
  },
  {
    // src/shared is reached by its alias everywhere else, never by a chain of ../
    ignores: ['src/shared/**'],
    rules: {
      'no-restricted-syntax': ['error', ...sharedByAlias],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'test/**', 'e2e/**', 'bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
