// The offline outbox: every write a resident makes (a case, supplied
// information, a rating) is stored here first, with its Idempotency-Key, and
// sent from here — by the page on start, on `online` and on a timer, and by the
// service worker on Background Sync. The server's idempotency makes a double
// send (page and worker at once) harmless.
//
//   2xx                  done: the record is removed
//   4xx                  failed: kept, with the server's localized message, until the user dismisses it
//   5xx, network error   waiting: retried with backoff (30 s, 1 min, 2 min … 30 min)
//
// Nothing is ever dropped without the user pressing 删除.

import { apiRequest, isRefusal } from './http.js';
import { OUTBOX, openDb, withStore } from './store.js';

const BASE_DELAY_MS = 30 * 1000;
const MAX_DELAY_MS = 30 * 60 * 1000;
// While one sender (a tab or the worker) has a record in flight, the others leave it alone.
const LEASE_MS = 60 * 1000;
export const SYNC_TAG = 'bianmin-outbox';
const CHANNEL = 'bianmin-outbox';

/** A fresh Idempotency-Key. */
export function newKey() {
  if (typeof crypto !== 'undefined' && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

// What the outbox takes from its surroundings, replaceable so it runs under `node --test`
// (the IndexedDB itself is store.js's: useIndexedDB there).
const env = {
  now: () => Date.now(),
  fetch: (...args) => globalThis.fetch(...args),
  // Tells other tabs and the worker; null where there is none (or in tests, where an open channel keeps node running).
  BroadcastChannel: typeof BroadcastChannel !== 'undefined' ? BroadcastChannel : null,
};

/** configureOutbox({now, fetch, BroadcastChannel}): the clock, network and channel the outbox uses (tests). */
export function configureOutbox(overrides) {
  Object.assign(env, overrides);
}

let lastCreated = 0;

/**
 * Queues one request: {key, path, body, token, locale, kind, label, photos?: [Blob], method?, chain?}.
 * `kind` says what it is (case, supply_info, rating) so screens can show it.
 * Records with the same `chain` (e.g. 'case-12': start, then resolve) are sent one
 * after another: while an earlier one waits or has failed, the later ones wait too.
 */
export async function enqueue(entry) {
  // Strictly increasing, so two taps in the same millisecond keep their order.
  lastCreated = Math.max(env.now(), lastCreated + 1);
  const record = {
    method: 'POST',
    photos: [],
    media: [],
    ...entry,
    state: 'waiting',
    attempts: 0,
    next_at: 0,
    error: null,
    created_at: lastCreated,
  };
  await withStore(OUTBOX, 'readwrite', (store) => store.put(record));
  announce();
  return record;
}

export async function listOutbox() {
  try {
    const rows = await withStore(OUTBOX, 'readonly', (store) => store.getAll());
    return rows.sort((a, b) => a.created_at - b.created_at);
  } catch {
    return [];
  }
}

export async function removeEntry(key) {
  await withStore(OUTBOX, 'readwrite', (store) => store.delete(key));
  announce();
}

/** Puts a failed record back in line (the user pressed 重试). */
export async function retryEntry(key) {
  const rows = await listOutbox();
  const row = rows.find((item) => item.key === key);
  if (!row) return;
  await save({ ...row, state: 'waiting', next_at: 0, error: null });
  announce();
}

let flushing = null;
let nextRound = null;
let nextForce = false;

/**
 * Sends every waiting record whose time has come (all of them when `force`).
 * `base` is the app's URL (document.baseURI, or the worker's scope).
 * Resolves to {sent, failed, waiting}; never rejects.
 */
export function flushOutbox(base, { force = false } = {}) {
  if (flushing) {
    // Asked again mid-round (the network came back, a new record was queued):
    // one more round after this one, so nothing waits for the timer.
    nextForce = nextForce || force;
    if (!nextRound) {
      nextRound = flushing.then(() => {
        const again = nextForce;
        nextRound = null;
        nextForce = false;
        return flushOutbox(base, { force: again });
      });
    }
    return nextRound;
  }
  flushing = sendDue(base, force).finally(() => {
    flushing = null;
  });
  return flushing;
}

async function sendDue(base, force) {
  const summary = { sent: 0, failed: 0, waiting: 0 };
  const now = env.now();
  // Chains with an earlier record not yet sent: their later records keep their place.
  const held = new Set();
  const hold = (record) => {
    if (record.chain) held.add(record.chain);
  };
  for (const record of await listOutbox()) {
    if (record.state !== 'waiting') {
      hold(record);
      continue;
    }
    if ((record.chain && held.has(record.chain)) || (!force && record.next_at > now)) {
      summary.waiting += 1;
      hold(record);
      continue;
    }
    const claimed = await claim(record.key);
    if (!claimed) {
      summary.waiting += 1;
      hold(record);
      continue;
    }
    const outcome = await sendOne(base, claimed);
    summary[outcome] += 1;
    if (outcome !== 'sent') hold(record);
    announce();
  }
  return summary;
}

async function sendOne(base, record) {
  try {
    let current = record;
    // Photos first: each upload has its own key, so a retry never stores one twice.
    while (current.media.length < current.photos.length) {
      const index = current.media.length;
      const form = new FormData();
      form.append('file', current.photos[index], `photo-${index + 1}.jpg`);
      const uploaded = await send(base, current, '/media', form, `${current.key}-photo-${index}`);
      current = { ...current, media: [...current.media, uploaded.id] };
      await save(current);
    }
    const body = current.photos.length ? { ...current.body, media: current.media } : current.body;
    await send(base, current, current.path, body, current.key);
    await withStore(OUTBOX, 'readwrite', (store) => store.delete(current.key));
    return 'sent';
  } catch (failure) {
    const latest = (await listOutbox()).find((item) => item.key === record.key);
    if (!latest) return 'sent'; // another sender finished it meanwhile
    if (isRefusal(failure)) {
      await save({
        ...latest, state: 'failed', lease_until: 0, error: failure.message || `HTTP ${failure.status}`, code: failure.code || null,
      });
      return 'failed';
    }
    const attempts = latest.attempts + 1;
    const wait = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempts - 1));
    await save({ ...latest, attempts, next_at: env.now() + wait, lease_until: 0 });
    return 'waiting';
  }
}

function send(base, record, path, body, key) {
  return apiRequest(path, {
    base,
    method: record.method,
    body,
    locale: record.locale,
    token: record.token,
    headers: { 'Idempotency-Key': key },
    timeout: 0, // a photo on one bar of signal takes what it takes; the lease covers a hung send
    fetch: env.fetch,
  });
}

/** Takes the record for sending, atomically across tabs and the worker; null if someone else has it. */
async function claim(key) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(OUTBOX, 'readwrite');
    const store = transaction.objectStore(OUTBOX);
    let claimed = null;
    const request = store.get(key);
    request.onsuccess = () => {
      const row = request.result;
      const now = env.now();
      if (!row || row.state !== 'waiting' || (row.lease_until || 0) > now) return;
      claimed = { ...row, lease_until: now + LEASE_MS };
      store.put(claimed);
    };
    transaction.oncomplete = () => resolve(claimed);
    transaction.onerror = () => reject(transaction.error);
  });
}

async function save(record) {
  await withStore(OUTBOX, 'readwrite', (store) => store.put(record));
}

// ---- telling every open page that the outbox changed ----

const listeners = new Set();
let channel = null;

function getChannel() {
  if (!channel && env.BroadcastChannel) {
    channel = new env.BroadcastChannel(CHANNEL);
    channel.onmessage = notifyListeners;
  }
  return channel;
}

function announce() {
  notifyListeners();
  const open = getChannel();
  if (open) open.postMessage('changed');
}

function notifyListeners() {
  for (const listener of listeners) listener();
}

/** Calls `listener` whenever any tab or the worker changes the outbox; returns the unsubscribe. */
export function onOutboxChange(listener) {
  getChannel();
  listeners.add(listener);
  return () => listeners.delete(listener);
}
