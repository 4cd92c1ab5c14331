import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const banned = (names, why) => names.map((name) => ({ name, message: why }));

export default tseslint.config(
  { ignores: ['dist', 'dist-cli', 'node_modules', 'test-results', 'playwright-report', 'bench/out'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // STYLE.md: core is pure TypeScript, runs and is tested in Node. Relative imports stay inside
  // src/core: top-level files may not climb out at all, files in core/<folder>/ one level.
  ...[
    { files: ['src/core/*.ts'], up: '../*' },
    { files: ['src/core/*/*.ts'], up: '../../*' },
    { files: ['src/core/*/*/**/*.ts'], up: '../../../*' },
  ].map(({ files, up }) => ({
    files,
    ignores: ['src/core/**/*.test.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: banned(['react', 'react-dom', 'zustand', 'idb'], 'src/core must stay pure: no UI, state or storage.'),
          patterns: [
            { group: ['@tensorflow/*'], message: 'Tensors live in src/ml.' },
            { group: ['@ffmpeg/*', 'mediabunny'], message: 'Decoding lives in src/media.' },
            { group: [up], message: 'src/core imports only src/core.' },
          ],
        },
      ],
    },
  })),
  {
    // src/net: HTTP clients (OpenAI-compatible endpoint) over src/core only.
    files: ['src/net/**/*.ts'],
    ignores: ['src/net/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: banned(['react', 'react-dom', 'zustand', 'idb'], 'src/net is HTTP only: no UI, state or storage.'),
          patterns: [
            { group: ['@tensorflow/*', '@ffmpeg/*', 'mediabunny'], message: 'src/net talks HTTP; tensors and decoding live in src/ml and src/media.' },
            { group: ['../*', '!../core', '!../core/**'], message: 'src/net imports only src/core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ml/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: banned(['react', 'react-dom', 'zustand', 'idb'], 'src/ml is TensorFlow.js only: it runs in a worker and in Node.') },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'tests/**', 'e2e/**', 'bench/**', 'cli/**', '*.config.{ts,js}'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-console': 'off' },
  },
);
