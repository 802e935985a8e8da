// Web Push opt-in, only after the user taps and reads why. Chrome's push
// service is unreachable in mainland China and iOS only delivers to installed
// apps, so the inbox (and SMS) stay the reliable channel.

import { readCached, writeCached } from './store.js';

const SUBSCRIBE_TIMEOUT_MS = 15000;
// Kept in IndexedDB (cleared on sign-out with the other stored answers), so the
// service worker can re-subscribe on `pushsubscriptionchange` with no page open,
// and send the signed-in person's outbox records (theirs alone: `user_id`) on Background Sync.
export const WORKER_SESSION_KEY = 'push|session';
export const SENT_ENDPOINT_KEY = 'push|endpoint';

/** iPhone/iPad Safari outside an installed web app: push exists only after 添加到主屏幕. */
export function iosNeedsInstall() {
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  const installed = navigator.standalone === true || (window.matchMedia && window.matchMedia('(display-mode: standalone)').matches);
  return ios && !installed;
}

export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

export function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob(padded);
  return Uint8Array.from(raw, (char) => char.charCodeAt(0));
}

/** Subscribes this device and tells the server; throws on refusal or failure. */
export async function subscribePush(api, locale) {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('denied');
  const { public_key: publicKey } = await api('/push/key');
  const registration = await navigator.serviceWorker.ready;
  // Where the browser's push service is unreachable (mainland China for Chrome's),
  // subscribe() can hang: give up and say so instead of spinning forever.
  const subscription = await Promise.race([
    registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }),
    new Promise((resolve, reject) => setTimeout(() => reject(new Error('timeout')), SUBSCRIBE_TIMEOUT_MS)),
  ]);
  await api('/push/subscriptions', { method: 'POST', body: subscriptionBody(subscription, locale) });
  await writeCached(SENT_ENDPOINT_KEY, subscription.endpoint);
  return subscription;
}

/** What POST /push/subscriptions takes, from a browser PushSubscription. */
export function subscriptionBody(subscription, locale) {
  const json = subscription.toJSON();
  return { endpoint: json.endpoint, keys: json.keys, expirationTime: json.expirationTime ?? null, locale };
}

/**
 * Signed in: lets the worker act for this user (`userId`: whose outbox records it may
 * send with this token); and if the browser replaced the subscription while the
 * worker could not tell the server (offline, signed out), tells it now.
 */
export async function syncPush(api, token, locale, userId) {
  await writeCached(WORKER_SESSION_KEY, { token, locale, user_id: userId });
  const subscription = await currentSubscription().catch(() => null);
  if (!subscription || (await readCached(SENT_ENDPOINT_KEY)) === subscription.endpoint) return;
  await api('/push/subscriptions', { method: 'POST', body: subscriptionBody(subscription, locale) });
  await writeCached(SENT_ENDPOINT_KEY, subscription.endpoint);
}

export async function currentSubscription() {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  return registration ? registration.pushManager.getSubscription() : null;
}

export async function unsubscribePush(api) {
  const subscription = await currentSubscription();
  if (!subscription) return;
  await api('/push/subscriptions', { method: 'DELETE', body: { endpoint: subscription.endpoint } }).catch(() => {});
  await subscription.unsubscribe();
}
