// Registers the service worker and tells the page when a new version is
// waiting. The new version takes over only when the user presses 立即更新
// (a form half filled in must not vanish under them).

import { useEffect, useState } from 'preact/hooks';

const UPDATE_CHECK_INTERVAL_MS = 30 * 60 * 1000;

const subscribers = new Set();
let waitingWorker = null;
let registration = null;
let lastUpdateCheck = 0;
let reloadOnControllerChange = false;

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  // Only a page that already had a worker reloads when a new one takes over;
  // a first visit simply keeps running.
  reloadOnControllerChange = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', onControllerChange);
  document.addEventListener('visibilitychange', onVisibilityChange);
  navigator.serviceWorker
    .register('sw.js', { scope: './', updateViaCache: 'none' })
    .then(onRegistered, onRegistrationFailed);
}

/** Asks the waiting worker to take over; the page reloads on controllerchange. */
export function applyUpdate() {
  if (waitingWorker) waitingWorker.postMessage({ type: 'SKIP_WAITING' });
}

/** The waiting ServiceWorker, or null; re-renders when one arrives. */
export function useWaitingWorker() {
  const [worker, setWorker] = useState(waitingWorker);
  useEffect(() => {
    subscribers.add(setWorker);
    setWorker(waitingWorker);
    return () => subscribers.delete(setWorker);
  }, []);
  return worker;
}

function onRegistered(newRegistration) {
  registration = newRegistration;
  lastUpdateCheck = Date.now();
  if (registration.waiting && navigator.serviceWorker.controller) announceWaiting(registration.waiting);
  registration.addEventListener('updatefound', onUpdateFound);
}

function onRegistrationFailed(error) {
  // The app works without a worker, only not offline.
  console.warn('service worker registration failed', error);
}

function onUpdateFound() {
  const installing = registration.installing;
  if (installing) installing.addEventListener('statechange', onInstallingStateChange);
}

function onInstallingStateChange(event) {
  const worker = event.target;
  // With no controller this is the first install, not an update.
  if (worker.state === 'installed' && navigator.serviceWorker.controller) announceWaiting(worker);
}

function announceWaiting(worker) {
  waitingWorker = worker;
  for (const notify of subscribers) notify(worker);
}

function onControllerChange() {
  if (!reloadOnControllerChange) return;
  reloadOnControllerChange = false; // guard against a reload loop
  window.location.reload();
}

function onVisibilityChange() {
  const due = Date.now() - lastUpdateCheck > UPDATE_CHECK_INTERVAL_MS;
  if (document.visibilityState === 'visible' && registration && due) {
    lastUpdateCheck = Date.now();
    registration.update().catch(onUpdateCheckFailed);
  }
}

function onUpdateCheckFailed() {
  // Offline or flaky: the next visit tries again.
}
