// Display preferences: script (zh-Hans / zh-Hant) and elder mode (长辈模式).
// One script on one screen: signed out, the device's choice (stored, else the
// browser's languages); signed in, the script saved in the profile, which the
// server answers in too. Only explicit choices are stored on the device.

import { LOCALES, localeFromLanguages, localeFromTag } from './i18n.js';
import { readStored, writeStored } from './storage.js';

const LOCALE_KEY = 'bianmin.locale';
const ELDER_KEY = 'bianmin.elder_mode';

/**
 * The signed-in user's saved script, then ?lang=… on the URL, then the stored
 * choice, then navigator.languages. The lang parameter is removed from the
 * address bar once it is remembered.
 */
export function initialLocale(session) {
  const saved = savedLocale(session && session.user);
  const url = new URL(window.location.href);
  if (url.searchParams.has('lang')) {
    const fromUrl = localeFromTag(url.searchParams.get('lang'));
    url.searchParams.delete('lang');
    window.history.replaceState(window.history.state, '', url.href);
    if (fromUrl) {
      storeLocale(fromUrl);
      return saved || fromUrl;
    }
  }
  if (saved) return saved;
  const stored = storedLocale();
  if (stored) return stored;
  return localeFromLanguages(navigator.languages || [navigator.language]);
}

/** The script a user saved (GET /me), or null if they never chose one (`locale_chosen` false). */
export function savedLocale(user) {
  return user && user.locale_chosen !== false && LOCALES.includes(user.locale) ? user.locale : null;
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
