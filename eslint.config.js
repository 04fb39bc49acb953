import js from '@eslint/js'
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'

const UTC_DATE_MESSAGE =
  "toISOString() gives the UTC date, which is yesterday at 00:30 in the region: take the region's date from src/shared/core/clock.ts (regionDate; in the app today() from src/app/core/clock.ts), or fromDayNumber from src/shared/core/dates.ts for day arithmetic."
const TO_ISO = "[callee.object.type='CallExpression'][callee.object.callee.property.name='toISOString']"
/** x.toISOString().slice(0, 10), .substring(0, 10), .substr(0, 10) and .split('T')[0]. */
const UTC_DATE_CUTS = [
  { selector: `CallExpression[callee.property.name=/^(slice|substring|substr|split)$/]${TO_ISO}`, message: UTC_DATE_MESSAGE },
]

const RAW_CLIENT_MESSAGE =
  'The raw HTTP client is for src/app/api only: call the typed function of the resource from src/app/api/<resource>.ts (its answer is checked with the shared schema in src/shared/api), and take ApiError from src/app/api/errors.ts.'
const FETCH_MESSAGE =
  'Talk to the server through src/app/api/<resource>.ts (answers checked with src/shared/api); only src/app/core, api, sync and sw call fetch.'

/**
 * A file over the size limit says why at its top: `/* eslint-disable max-lines -- <reason> *\/`.
 * This local rule refuses such a disable without a reason, or anywhere but a file-wide block comment.
 */
const house = {
  rules: {
    'max-lines-reason': {
      meta: { type: 'problem', messages: { reason: 'An exception to max-lines is a file-wide /* eslint-disable max-lines -- <reason> */ comment with its reason.' } },
      create(context) {
        return {
          Program() {
            for (const comment of context.sourceCode.getAllComments()) {
              if (!/eslint-disable[\w-]*\s[^-]*\bmax-lines\b/.test(comment.value)) continue
              const fileWide = comment.type === 'Block' && /^\s*eslint-disable\s/.test(comment.value)
              if (!fileWide || !/\s--\s*\S/.test(comment.value)) context.report({ loc: comment.loc, messageId: 'reason' })
            }
          },
        }
      },
    },
  },
}

export default tseslint.config(
  { ignores: ['dist/**', 'dist-*/**', 'node_modules/**', 'data/**', 'test-results/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/multi-word-component-names': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // TypeScript checks names; no-undef does not know DOM or Node globals in .vue files.
      'no-undef': 'off',
    },
  },
  {
    // The UTC date of an instant is yesterday between midnight and 01:00/02:00 in the region.
    files: ['src/**/*.ts', 'src/**/*.vue'],
    rules: {
      'no-restricted-syntax': ['error', ...UTC_DATE_CUTS],
      'vue/no-restricted-syntax': ['error', ...UTC_DATE_CUTS],
    },
  },
  {
    // A file holds one idea: a module over 300 lines of code or a component over 250 is asking to be split.
    files: ['src/**/*.ts'],
    plugins: { house },
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }], 'house/max-lines-reason': 'error' },
  },
  {
    files: ['src/**/*.vue'],
    plugins: { house },
    rules: { 'max-lines': ['error', { max: 250, skipBlankLines: true, skipComments: true }], 'house/max-lines-reason': 'error' },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/app/**', '**/server/**', 'vue', 'node:*'] }],
    },
  },
  {
    // The house (issue 12): pages, features and stores reach the server through src/app/api only.
    files: ['src/app/**/*.ts', 'src/app/**/*.vue'],
    ignores: ['src/app/api/**', 'src/app/core/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/core/http', '**/core/http.ts'], message: RAW_CLIENT_MESSAGE }] }],
    },
  },
  {
    files: ['src/app/**/*.ts', 'src/app/**/*.vue'],
    ignores: ['src/app/api/**', 'src/app/core/**', 'src/app/sync/**', 'src/app/sw/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'fetch', message: FETCH_MESSAGE }],
      'no-restricted-properties': ['error', ...['window', 'globalThis', 'self'].map((object) => ({ object, property: 'fetch', message: FETCH_MESSAGE }))],
    },
  },
)
