// The page's side of the outbox: send on start (and on every sign-in), when the
// network returns and on a timer; ask the service worker for Background Sync where
// there is one. What it sends and shows is the signed-in person's alone.

import { useEffect, useRef, useState } from 'preact/hooks';

import { useApp } from './context.js';
import { SYNC_TAG, enqueue, flushOutbox, listOutbox, onOutboxChange } from './outbox.js';
import { loadSession } from './session.js';

const TIMER_MS = 20 * 1000;
let started = false;

/** On every sign-in: the person's records left from an earlier visit go now. */
export function startOutbox() {
  if (!started) {
    started = true;
    window.addEventListener('online', onOnline);
    setInterval(onTimer, TIMER_MS);
  }
  // Now, not when a retry's wait is over: a record tried while its owner was offline or
  // signed out waited up to half a minute, and she would see it "waiting" on her return.
  flushNow(true);
}

export function flushNow(force = false) {
  return flushOutbox(document.baseURI, { force, sender: pageSender });
}

/** Who is signed in on this page at the moment of sending (their records, their token). */
function pageSender() {
  const session = loadSession();
  return session ? { userId: session.user.id, token: session.access_token } : null;
}

function onOnline() {
  flushNow(true);
}

function onTimer() {
  if (navigator.onLine !== false) flushNow();
}

/**
 * Queues a request ({key, owner, …}: see enqueue) and tries to send it at once. Resolves to
 * {state: 'sent'} or the record still in the outbox ({state: 'waiting' | 'failed', error}).
 */
export async function queueRequest(entry, { wait = false } = {}) {
  const record = await enqueue(entry);
  requestBackgroundSync();
  const sending = flushNow(true);
  if (!wait) return record;
  await sending;
  let row = await findRow(record.key);
  // A flush already running when this was queued did not see it: one more round.
  if (row && row.state === 'waiting' && row.attempts === 0) {
    await flushNow(true);
    row = await findRow(record.key);
  }
  // Still untouched but leased: the worker took it on Background Sync and its request is
  // on the wire (on a slow server or a busy phone that takes a while). Its answer is this
  // record's answer, so wait for it rather than calling a request in flight "saved for later".
  if (row && row.state === 'waiting' && row.attempts === 0 && (row.lease_until || 0) > Date.now()) {
    row = await outcomeOf(record.key, row.lease_until);
  }
  return row || { state: 'sent' };
}

/** The record once another sender is through with it (sent, failed or retried), or when its lease ends. */
function outcomeOf(key, leaseUntil) {
  return new Promise((resolve) => {
    let stop = () => {};
    let timer = null;
    const check = async () => {
      const row = await findRow(key);
      const settled = !row || row.state !== 'waiting' || row.attempts > 0 || !((row.lease_until || 0) > Date.now());
      if (!settled) return;
      stop();
      clearTimeout(timer);
      resolve(row);
    };
    stop = onOutboxChange(check);
    timer = setTimeout(check, Math.max(0, leaseUntil - Date.now()) + 100);
    check();
  });
}

async function findRow(key) {
  return (await listOutbox()).find((row) => row.key === key);
}

function requestBackgroundSync() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.sync && registration.sync.register(SYNC_TAG))
    .catch(ignore);
}

function ignore() {
  // No Background Sync here: the page's timer and `online` listener still send.
}

/**
 * Calls `reload` when `count` (a screen's records in the outbox) goes down: one was
 * sent (by this page, another tab or the worker), so the server's copy has moved on.
 * Not on the first render: on one bar of signal the screen has just loaded.
 */
export function useReloadWhenSent(count, reload) {
  const before = useRef(count);
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => {
    if (count < before.current) latest.current();
    before.current = count;
  }, [count]);
}

/** The signed-in person's records in the outbox, kept current (no one else's, ever). */
export function useOutbox() {
  const { session } = useApp();
  const owner = session ? session.user.id : null;
  const [listed, setListed] = useState({ owner: null, rows: [] });
  useEffect(() => {
    if (owner === null) return undefined;
    let alive = true;
    const refresh = () => listOutbox(owner).then((rows) => alive && setListed({ owner, rows }));
    refresh();
    const stop = onOutboxChange(refresh);
    return () => {
      alive = false;
      stop();
    };
  }, [owner]);
  // Until the new person's list is read, the last one's is never shown in its place.
  return owner !== null && listed.owner === owner ? listed.rows : [];
}
