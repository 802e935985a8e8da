// ESLint for the PWA (`npm run lint`): the recommended rules, React's for JSX
// (Preact's `class` and `for` attributes allowed) and the rules of hooks.

import js from '@eslint/js';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default [
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  {
    files: ['src/**/*.{js,jsx}'],
    plugins: { react, 'react-hooks': reactHooks },
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: globals.browser, // build-time constants are declared where used (/* global */)
    },
    settings: { react: { version: '18.0', pragma: 'h', fragment: 'Fragment' } },
    rules: {
      ...react.configs.flat.recommended.rules,
      ...react.configs.flat['jsx-runtime'].rules,
      ...reactHooks.configs.recommended.rules,
      'react/prop-types': 'off', // plain JavaScript, no PropTypes at run time
      'react/no-unknown-property': ['error', { ignore: ['class', 'for'] }],
      'react/no-unescaped-entities': 'off',
    },
  },
  {
    files: ['src/sw/**/*.js'],
    languageOptions: { globals: globals.serviceworker },
  },
  {
    files: ['build.mjs', 'eslint.config.js', 'scripts/**/*.{js,mjs}', 'test/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
  },
];
