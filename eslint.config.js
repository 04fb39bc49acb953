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
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/app/**', '**/server/**', 'vue', 'node:*'] }],
    },
  },
)
