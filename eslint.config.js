// Lint with boundaries (style.md, principle 1): only src/extension/platform/ touches the
// browser extension APIs, and src/core/ stays runnable unchanged in Node and in browsers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const extensionApiImports = {
  paths: [{ name: 'webextension-polyfill', message: 'Only src/extension/platform/ may import webextension-polyfill.' }],
};
const extensionApiGlobals = [
  { name: 'chrome', message: 'Only src/extension/platform/ may use the chrome.* API.' },
  { name: 'browser', message: 'Only src/extension/platform/ may use the browser.* API.' },
];

export default tseslint.config(
  // extension/pkg/: third-party library files shipped byte for byte (the packaged set), not our code.
  { ignores: ['dist/', 'node_modules/', 'test-output/', 'test/fixtures/lint/', 'extension/pkg/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', extensionApiImports],
      'no-restricted-globals': ['error', ...extensionApiGlobals],
    },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...extensionApiImports,
          patterns: [
            { group: ['node:*'], message: 'src/core/ is pure: no Node modules.' },
            { group: ['dexie', 'libp2p', '@libp2p/*', '@chainsafe/*'], message: 'src/core/ is pure: I/O comes in as arguments.' },
            { group: ['**/store/**', '**/p2p/**', '**/extension/**', '**/node/**'], message: 'src/core/ depends on nothing else in src/.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...extensionApiGlobals,
        ...['window', 'document', 'indexedDB', 'navigator', 'localStorage', 'process', 'Buffer', 'require'].map((name) => ({
          name,
          message: 'src/core/ is pure: no browser or Node globals; take them as arguments.',
        })),
      ],
    },
  },
  {
    // The store and the protocols serve both the extension and the LAN node: neither may reach
    // into either (they get what they need as arguments).
    files: ['src/store/**', 'src/p2p/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...extensionApiImports,
          patterns: [{ group: ['**/extension/**', '**/node/**', '!**/node_modules/**'], message: 'src/store/ and src/p2p/ serve the extension and the LAN node alike: they import neither.' }],
        },
      ],
    },
  },
  {
    // The platform layer is the one room that owns the browser.
    files: ['src/extension/platform/**'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-globals': 'off' },
  },
  {
    // E2E and benchmark code passes callbacks that run inside the extension (page.evaluate).
    files: ['test/e2e/**', 'bench/**', 'scripts/store-assets*.ts'],
    rules: { 'no-restricted-globals': 'off' },
  },
);
