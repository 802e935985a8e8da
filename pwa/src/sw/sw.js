// The service worker: keeps the app shell on the phone so it opens on a weak
// or absent signal. Bundled by build.mjs, which fills in the two constants.
//
//   pages (navigations)      network first, cached shell after 3 s or on failure
//   scripts, styles, locale  stale-while-revalidate (precached files: from the precache)
//   images                   cache first, at most IMAGE_LIMIT entries; case photos
//                            by path (id and the photo's own key) and viewer, so
//                            one person's photo is never another's answer; the
//                            page empties this cache on sign-out
//   /api/                    not touched: always the network (the page keeps the last
//                            answers in IndexedDB for offline reading)
//
// It also sends the offline outbox on Background Sync (same code as the page,
// outbox.js: the signed-in person's records only, with their token), shows push messages, opening the case on a tap, and when the
// browser replaces the push subscription (pushsubscriptionchange) subscribes
// again and tells the server, as the signed-in user the page left in IndexedDB.
//
// A new version installs alongside the old one and waits until the page sends
// SKIP_WAITING (the user pressed 立即更新); activate then drops old caches.

/* global __BUILD_VERSION__, __PRECACHE_URLS__ */

import { apiRequest } from '../http.js';
import { SYNC_TAG, flushOutbox } from '../outbox.js';
import { SENT_ENDPOINT_KEY, WORKER_SESSION_KEY, keyBytes, subscriptionBody } from '../push.js';
import { IMAGE_CACHE, readCached, writeCached } from '../store.js';

const VERSION = __BUILD_VERSION__;
const PRECACHE = `bianmin-precache-${VERSION}`;
const RUNTIME = `bianmin-runtime-${VERSION}`;
const IMAGES = IMAGE_CACHE; // kept across versions, trimmed instead
const CACHE_PREFIX = 'bianmin-';
const IMAGE_LIMIT = 60;
const NAVIGATION_TIMEOUT_MS = 3000;
const REVALIDATED_DESTINATIONS = new Set(['script', 'style', 'manifest', 'font']);

const SCOPE = new URL(self.registration.scope);
const SHELL_URL = new URL('./', SCOPE).href;
const SHELL_PATHS = new Set([SCOPE.pathname, `${SCOPE.pathname}index.html`]);
const API_PATH = new URL('api/', SCOPE).pathname;
const LOCALES_PATH = new URL('locales/', SCOPE).pathname;
const MEDIA_PATH = new URL('api/v1/media/', SCOPE).pathname;
const PRECACHE_URLS = __PRECACHE_URLS__.map((url) => new URL(url, SCOPE).href);

self.addEventListener('install', onInstall);
self.addEventListener('activate', onActivate);
self.addEventListener('fetch', onFetch);
self.addEventListener('message', onMessage);
self.addEventListener('sync', onSync);
self.addEventListener('push', onPush);
self.addEventListener('notificationclick', onNotificationClick);
self.addEventListener('pushsubscriptionchange', onPushSubscriptionChange);

function onInstall(event) {
  event.waitUntil(precacheShell());
}

function onActivate(event) {
  event.waitUntil(deleteOldCaches());
}

function onMessage(event) {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
}

/** Background Sync: send the outbox even when no page is open. */
function onSync(event) {
  if (event.tag === SYNC_TAG) event.waitUntil(syncOutbox());
}

async function syncOutbox() {
  const summary = await flushOutbox(SCOPE.href, { force: true, sender: workerSender });
  // Still waiting: reject, so the browser schedules another sync later.
  if (summary.waiting > 0) throw new Error('outbox not empty');
}

/** Whoever the page last left signed in (null after sign-out): only their records go, with their token. */
async function workerSender() {
  const session = await readCached(WORKER_SESSION_KEY);
  if (!session || typeof session.user_id !== 'number' || !session.token) return null;
  return { userId: session.user_id, token: session.token };
}

/** Push texts arrive localized from the server; the worker only shows them. */
function onPush(event) {
  event.waitUntil(showPush(event.data));
}

async function showPush(data) {
  let payload = {};
  try {
    payload = data ? data.json() : {};
  } catch {
    payload = {};
  }
  const title = payload.title || '';
  await self.registration.showNotification(title, {
    body: payload.body || '',
    tag: payload.tag || undefined,
    icon: new URL('icons/icon-192.png', SCOPE).href,
    badge: new URL('icons/icon-192.png', SCOPE).href,
    data: { url: payload.url || (payload.case_id ? `/#/cases/${payload.case_id}` : '/') },
  });
}

function onNotificationClick(event) {
  event.notification.close();
  event.waitUntil(openFromNotification(event.notification.data || {}));
}

async function openFromNotification(data) {
  // The payload's url is "/#/cases/<id>"; keep it inside this app's scope.
  const hash = String(data.url || '').split('#')[1] || '/';
  const target = new URL(`#${hash}`, SCOPE).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const existing = windows.find((client) => client.url.startsWith(SCOPE.href));
  if (existing) {
    await existing.focus();
    if ('navigate' in existing) return existing.navigate(target);
    return existing;
  }
  return self.clients.openWindow(target);
}

function onPushSubscriptionChange(event) {
  event.waitUntil(resubscribe(event.oldSubscription || null, event.newSubscription || null));
}

/**
 * Subscribes again with the VAPID key (unless the browser already did) and POSTs
 * the new subscription; the server keys subscriptions by endpoint. Not signed in,
 * or offline: the page sends it on its next start (syncPush in push.js).
 */
async function resubscribe(oldSubscription, newSubscription) {
  const session = await readCached(WORKER_SESSION_KEY);
  let subscription = newSubscription;
  if (!subscription) {
    const { public_key: publicKey } = await apiCall('GET', '/push/key', null, session);
    subscription = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  }
  if (!session) return;
  await apiCall('POST', '/push/subscriptions', subscriptionBody(subscription, session.locale), session);
  await writeCached(SENT_ENDPOINT_KEY, subscription.endpoint);
  if (oldSubscription && oldSubscription.endpoint !== subscription.endpoint) {
    await apiCall('DELETE', '/push/subscriptions', { endpoint: oldSubscription.endpoint }, session).catch(ignore);
  }
}

/** The API as the signed-in user the page left for the worker (or anonymously). */
function apiCall(method, path, body, session) {
  return apiRequest(path, {
    base: SCOPE.href, method, body: body || undefined, token: session ? session.token : null, locale: session ? session.locale : null,
  });
}

function onFetch(event) {
  const strategy = chooseStrategy(event.request);
  if (strategy) event.respondWith(strategy(event));
}

async function precacheShell() {
  const cache = await caches.open(PRECACHE);
  // cache: 'reload' skips the HTTP cache, so a new version never precaches stale files.
  await cache.addAll(PRECACHE_URLS.map((url) => new Request(url, { cache: 'reload' })));
}

async function deleteOldCaches() {
  const current = new Set([PRECACHE, RUNTIME, IMAGES]);
  const names = await caches.keys();
  const old = names.filter((name) => name.startsWith(CACHE_PREFIX) && !current.has(name));
  await Promise.all(old.map((name) => caches.delete(name)));
}

/** The handler for a request, or null to let the browser fetch it untouched. */
function chooseStrategy(request) {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return null;
  // Case photos: a path's bytes never change (id and the photo's own key), only the signed ?t= link does.
  if (url.pathname.startsWith(MEDIA_PATH) && request.destination === 'image') return cacheFirstImage;
  if (url.pathname.startsWith(API_PATH)) return null;
  if (request.mode === 'navigate' || request.destination === 'document') return networkFirst;
  if (REVALIDATED_DESTINATIONS.has(request.destination)) return staleWhileRevalidate;
  if (url.pathname.startsWith(LOCALES_PATH)) return staleWhileRevalidate;
  if (request.destination === 'image') return cacheFirstImage;
  return null;
}

async function networkFirst(event) {
  const { request } = event;
  const fromNetwork = fetch(request);
  event.waitUntil(fromNetwork.then((response) => rememberPage(request, response.clone()), ignore));
  const afterTimeout = delay(NAVIGATION_TIMEOUT_MS).then(() => cachedPageOr(request, fromNetwork));
  try {
    const response = await Promise.race([fromNetwork, afterTimeout]);
    if (response.status >= 500) return cachedPageOr(request, response);
    return response;
  } catch {
    return cachedPageOr(request, Response.error());
  }
}

async function rememberPage(request, response) {
  // The shell is precached with the assets it references; other pages are kept as fetched.
  if (!response.ok || SHELL_PATHS.has(new URL(request.url).pathname)) return;
  const cache = await caches.open(RUNTIME);
  await cache.put(request, response);
}

async function cachedPageOr(request, fallback) {
  const url = new URL(request.url);
  if (SHELL_PATHS.has(url.pathname)) {
    const shell = await (await caches.open(PRECACHE)).match(SHELL_URL);
    if (shell) return shell;
  }
  const page = await (await caches.open(RUNTIME)).match(request, { ignoreSearch: true });
  return page || fallback;
}

async function staleWhileRevalidate(event) {
  const { request } = event;
  // Precached files carry a content hash (or belong to this worker's version):
  // revalidating them would only spend the villager's mobile data.
  const precached = await matchPrecache(request);
  if (precached) return precached;
  const cache = await caches.open(RUNTIME);
  const cached = await cache.match(request);
  const refreshed = fetch(request).then((response) => keepIfOk(cache, request, response));
  if (!cached) return refreshed;
  event.waitUntil(refreshed.catch(ignore));
  return cached;
}

async function cacheFirstImage(event) {
  const { request } = event;
  const precached = await matchPrecache(request);
  if (precached) return precached;
  const key = imageCacheKey(request);
  if (!key) return fetch(request);
  const cache = await caches.open(IMAGES);
  const cached = await cache.match(key);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) event.waitUntil(cache.put(key, response.clone()).then(() => trimCache(cache, IMAGE_LIMIT)));
  return response;
}

/**
 * What an image is kept under. A case photo: its path and the viewer its signed link
 * (`?t=<viewer>.<expiry>.<signature>`) was made for, not the link itself (it changes
 * twice a day): one person's cached photo never answers another's request. A photo
 * without a link is not kept. Other images: their URL.
 */
function imageCacheKey(request) {
  const url = new URL(request.url);
  if (!url.pathname.startsWith(MEDIA_PATH)) return request;
  const viewer = (url.searchParams.get('t') || '').split('.')[0];
  if (!/^\d+$/.test(viewer)) return null;
  return `${url.origin}${url.pathname}?viewer=${viewer}`;
}

async function matchPrecache(request) {
  if (!PRECACHE_URLS.includes(request.url)) return undefined;
  return (await caches.open(PRECACHE)).match(request);
}

async function keepIfOk(cache, request, response) {
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

/** Drops the oldest entries (cache keys come back in insertion order). */
async function trimCache(cache, limit) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - limit)).map((key) => cache.delete(key)));
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function ignore() {
  // A failed background refresh changes nothing: the cached copy stays.
}
