// Locale choice and message lookup. The strings themselves live only in
// locales/*.json (shared with the backend); this file never holds any.

/* global __LOCALE_URLS__ */ // set by build.mjs: {"zh-Hans": "locales/zh-Hans.json?v=…", …}

export const LOCALES = ['zh-Hans', 'zh-Hant'];
export const DEFAULT_LOCALE = 'zh-Hans';

const TRADITIONAL_REGIONS = new Set(['tw', 'hk', 'mo']);

/**
 * Maps a BCP 47 tag to the script we serve, or null for non-Chinese tags.
 * An explicit script subtag wins over the region:
 *   zh-TW → zh-Hant, zh-Hant-CN → zh-Hant, zh-Hans-HK → zh-Hans, zh-SG → zh-Hans, en → null
 */
export function localeFromTag(tag) {
  const parts = String(tag || '').toLowerCase().replace(/_/g, '-').split('-');
  if (parts[0] !== 'zh') return null;
  if (parts.includes('hant')) return 'zh-Hant';
  if (parts.includes('hans')) return 'zh-Hans';
  return parts.some((part) => TRADITIONAL_REGIONS.has(part)) ? 'zh-Hant' : 'zh-Hans';
}

/** The first Chinese entry of the browser's language list decides; otherwise Simplified. */
export function localeFromLanguages(languages) {
  for (const tag of languages || []) {
    const locale = localeFromTag(tag);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}

export async function loadMessages(locale) {
  const response = await fetch(__LOCALE_URLS__[locale]);
  if (!response.ok) throw new Error(`locale ${locale}: HTTP ${response.status}`);
  return response.json();
}

/**
 * Returns t(key, params) over one locale's messages:
 *   t('signin.resend_in', {seconds: 42}) → "42秒后可重新获取"
 * A missing key shows the key itself, so a gap is visible instead of blank.
 */
export function createTranslator(messages) {
  return function t(key, params) {
    const value = key.split('.').reduce((node, part) => (node == null ? node : node[part]), messages);
    if (typeof value !== 'string') {
      console.warn(`missing message: ${key}`);
      return key;
    }
    if (!params) return value;
    return value.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
  };
}
