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
//
// Each record belongs to the person who made it (`owner`, their user id). On a
// shared phone the next person neither sees nor deletes it, and it is sent only
// while its owner is signed in, with the owner's token of that moment: a sender
// (page or worker) is told who is signed in and sends that person's records alone.
// A signed-out person's records stay, and go when they sign in again. No token is
// kept in a record, so signing out leaves none behind.
//
// Records from before owners (they kept the token they were made with) get the
// owner that token belongs to (GET /me with it, or the signed-in session's when it
// is the same token); a token the server no longer knows names nobody we can tell,
// so such a record is kept, shown to no one and never sent (owner null): sending
// it as whoever is signed in would be sending it in someone else's name.

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
 * Queues one request: {key, owner, path, body, locale, kind, label, photos?: [Blob], method?, chain?}.
 * `owner` is the signed-in person's user id. `kind` says what it is (case, supply_info, rating) so screens can show it.
 * Records with the same `chain` (e.g. 'case-12': start, then resolve) are sent one
 * after another: while an earlier one waits or has failed, the later ones wait too.
 */
export async function enqueue(entry) {
  if (typeof entry.owner !== 'number') throw new TypeError('an outbox record needs its owner (a user id)');
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
  delete record.token; // sent with the owner's token when it goes, never kept here
  await withStore(OUTBOX, 'readwrite', (store) => store.put(record));
  announce();
  return record;
}

/** `owner`'s records, oldest first (every record when `owner` is undefined: the senders' own use). */
export async function listOutbox(owner) {
  try {
    const rows = await withStore(OUTBOX, 'readonly', (store) => store.getAll());
    const mine = owner === undefined ? rows : rows.filter((row) => row.owner === owner);
    return mine.sort((a, b) => a.created_at - b.created_at);
  } catch {
    return [];
  }
}

/** Deletes `owner`'s record (the user pressed 删除); someone else's stays. Resolves to whether it went. */
export async function removeEntry(key, owner) {
  const removed = await changeOwn(key, owner, (store) => store.delete(key));
  if (removed) announce();
  return removed;
}

/** Puts `owner`'s failed record back in line (the user pressed 重试). */
export async function retryEntry(key, owner) {
  const retried = await changeOwn(key, owner, (store, row) => store.put({ ...row, state: 'waiting', next_at: 0, error: null }));
  if (retried) announce();
  return retried;
}

/** change(store, row) on the record `key` if it is `owner`'s, in one transaction; resolves to whether it was. */
async function changeOwn(key, owner, change) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(OUTBOX, 'readwrite');
    const store = transaction.objectStore(OUTBOX);
    let changed = false;
    const request = store.get(key);
    request.onsuccess = () => {
      const row = request.result;
      if (!row || owner === undefined || owner === null || row.owner !== owner) return;
      change(store, row);
      changed = true;
    };
    transaction.oncomplete = () => resolve(changed);
    transaction.onerror = () => reject(transaction.error);
  });
}

let flushing = null;
let nextRound = null;
let nextForce = false;
let nextSender = null;

/**
 * Sends every waiting record of the person signed in whose time has come (all of
 * them when `force`). `base` is the app's URL (document.baseURI, or the worker's
 * scope); `sender` tells who is signed in: a function returning (or resolving to)
 * {userId, token}, or null when no one is. Only that person's records are sent,
 * with their token; everyone else's wait for their owner.
 * Resolves to {sent, failed, waiting} (of that person's records); never rejects.
 */
export function flushOutbox(base, { force = false, sender = noSender } = {}) {
  if (flushing) {
    // Asked again mid-round (the network came back, a new record was queued):
    // one more round after this one, so nothing waits for the timer.
    nextForce = nextForce || force;
    nextSender = sender; // whoever is signed in by then
    if (!nextRound) {
      nextRound = flushing.then(() => {
        const again = nextForce;
        const who = nextSender;
        nextRound = null;
        nextForce = false;
        nextSender = null;
        return flushOutbox(base, { force: again, sender: who });
      });
    }
    return nextRound;
  }
  flushing = sendDue(base, force, sender).finally(() => {
    flushing = null;
  });
  return flushing;
}

function noSender() {
  return null;
}

async function signedIn(sender) {
  try {
    const who = await sender();
    return who && typeof who.userId === 'number' && typeof who.token === 'string' && who.token ? who : null;
  } catch {
    return null;
  }
}

async function sendDue(base, force, sender) {
  const summary = { sent: 0, failed: 0, waiting: 0 };
  const who = await signedIn(sender);
  await adoptUnowned(base, who);
  if (!who) return summary;
  const now = env.now();
  // Chains with an earlier record not yet sent: their later records keep their place.
  const held = new Set();
  const hold = (record) => {
    if (record.chain) held.add(record.chain);
  };
  // The signed-in person's records only (so a chain is one person's too).
  for (const record of await listOutbox(who.userId)) {
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
    const outcome = await sendOne(base, claimed, who.token);
    summary[outcome] += 1;
    if (outcome !== 'sent') hold(record);
    announce();
  }
  return summary;
}

// The last few answers to records sent, by this page or another sender (a tab, the
// worker's Background Sync: told on the channel): a screen that queued a record reads
// what the server said to it (the new case's receipt, its start day).
const answers = new Map();
const KEPT_ANSWERS = 20;

function remember(key, answer) {
  answers.set(key, answer);
  if (answers.size > KEPT_ANSWERS) answers.delete(answers.keys().next().value);
}

function keepAnswer(key, answer) {
  remember(key, answer);
  const open = getChannel();
  if (open) open.postMessage({ key, answer });
}

/** The server's answer to the record `key` once it was sent while this page was open, else undefined. */
export function sentAnswer(key) {
  return answers.get(key);
}

async function sendOne(base, record, token) {
  try {
    let current = record;
    // Photos first: each upload has its own key, so a retry never stores one twice.
    while (current.media.length < current.photos.length) {
      const index = current.media.length;
      const form = new FormData();
      form.append('file', current.photos[index], `photo-${index + 1}.jpg`);
      const uploaded = await send(base, current, token, '/media', form, `${current.key}-photo-${index}`);
      current = { ...current, media: [...current.media, uploaded.id] };
      await save(current);
    }
    const body = current.photos.length ? { ...current.body, media: current.media } : current.body;
    const answer = await send(base, current, token, current.path, body, current.key);
    keepAnswer(current.key, answer);
    await withStore(OUTBOX, 'readwrite', (store) => store.delete(current.key));
    return 'sent';
  } catch (failure) {
    const latest = (await listOutbox()).find((item) => item.key === record.key);
    if (!latest) return 'sent'; // another sender finished it meanwhile
    // 401: the owner's session ended (signed out, expired) while this was on its way. Not
    // the request's fault: it waits, like on a network failure, for the owner's next token.
    if (isRefusal(failure) && failure.status !== 401) {
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

function send(base, record, token, path, body, key) {
  return apiRequest(path, {
    base,
    method: record.method,
    body,
    locale: record.locale,
    token,
    headers: { 'Idempotency-Key': key },
    timeout: 0, // a photo on one bar of signal takes what it takes; the lease covers a hung send
    fetch: env.fetch,
  });
}

/**
 * Records from before owners: each gets the owner of the token it was made with
 * (the signed-in person's when it is their token; else the server says whose it is),
 * and loses the token. A token the server refuses names no one: owner null, kept
 * and never sent. Offline, they wait for the next round.
 */
async function adoptUnowned(base, who) {
  const unowned = (await listOutbox()).filter((row) => row.owner === undefined);
  for (const row of unowned) {
    let owner;
    if (who && row.token === who.token) {
      owner = who.userId;
    } else if (typeof row.token === 'string' && row.token) {
      try {
        const me = await apiRequest('/me', { base, token: row.token, locale: row.locale, fetch: env.fetch });
        owner = me && typeof me.id === 'number' ? me.id : null;
      } catch (failure) {
        if (!isRefusal(failure)) continue; // no answer: try again next round
        owner = null;
      }
    } else {
      owner = null;
    }
    await changeUnowned(row.key, owner);
  }
  if (unowned.length) announce();
}

/** Sets the owner of a record that still has none, and drops its token (one transaction). */
async function changeUnowned(key, owner) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(OUTBOX, 'readwrite');
    const store = transaction.objectStore(OUTBOX);
    const request = store.get(key);
    request.onsuccess = () => {
      const row = request.result;
      if (!row || row.owner !== undefined) return;
      const adopted = { ...row, owner };
      delete adopted.token;
      store.put(adopted);
    };
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
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
    channel.onmessage = (event) => {
      if (event.data && typeof event.data === 'object' && event.data.key) remember(event.data.key, event.data.answer);
      notifyListeners();
    };
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
