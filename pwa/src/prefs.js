// Display preferences: script (zh-Hans / zh-Hant) and elder mode (长辈模式).
// Only explicit choices are stored, so a user who never chose follows the
// browser, or their saved profile after signing in.

import { LOCALES, localeFromLanguages, localeFromTag } from './i18n.js';
import { readStored, writeStored } from './storage.js';

const LOCALE_KEY = 'bianmin.locale';
const ELDER_KEY = 'bianmin.elder_mode';

/**
 * ?lang=… on the URL, then the stored choice, then navigator.languages.
 * The lang parameter is removed from the address bar once it is remembered.
 */
export function initialLocale() {
  const url = new URL(window.location.href);
  if (url.searchParams.has('lang')) {
    const fromUrl = localeFromTag(url.searchParams.get('lang'));
    url.searchParams.delete('lang');
    window.history.replaceState(window.history.state, '', url.href);
    if (fromUrl) {
      storeLocale(fromUrl);
      return fromUrl;
    }
  }
  const stored = storedLocale();
  if (stored) return stored;
  return localeFromLanguages(navigator.languages || [navigator.language]);
}

export function storedLocale() {
  const stored = readStored(LOCALE_KEY);
  return LOCALES.includes(stored) ? stored : null;
}

export function storeLocale(locale) {
  writeStored(LOCALE_KEY, locale);
}

/** true / false when the user chose, null when they never did. */
export function storedElderMode() {
  const stored = readStored(ELDER_KEY);
  return stored === null ? null : stored === 'on';
}

export function storeElderMode(on) {
  writeStored(ELDER_KEY, on ? 'on' : 'off');
}

export function applyToDocument(locale, elderMode) {
  const root = document.documentElement;
  root.lang = locale;
  root.classList.toggle('elder', Boolean(elderMode));
}
