// IndexedDB, shared by the page and the service worker: the offline outbox
// (one record per request, keyed by its Idempotency-Key) and the last answers
// of the screens that must stay readable offline (catalog, notices, my cases).

const DB_NAME = 'bianmin';
const DB_VERSION = 1;
export const OUTBOX = 'outbox';
const CACHE = 'responses';
/**
 * The service worker's cache of pictures (case photos keyed by path and viewer). Emptied
 * on sign-out. ("-2": photo paths carry their own key since; the old cache, kept by
 * path alone, is dropped on the worker's next activation.)
 */
export const IMAGE_CACHE = 'bianmin-images-2';

let opening = null;
let factory = null;

/** Uses `idbFactory` instead of the global indexedDB from now on (tests: fake-indexeddb). */
export function setIndexedDB(idbFactory) {
  factory = idbFactory;
  opening = null;
}

export function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = (factory || indexedDB).open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, { keyPath: 'key' });
        if (!db.objectStoreNames.contains(CACHE)) db.createObjectStore(CACHE, { keyPath: 'key' });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => {
        opening = null;
        reject(request.error);
      };
    });
  }
  return opening;
}

/** run(store) inside one transaction; resolves with the last request's result. */
export async function withStore(name, mode, run) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(name, mode);
    const request = run(transaction.objectStore(name));
    transaction.oncomplete = () => resolve(request ? request.result : undefined);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

/** The last answer stored for `key`, or undefined. */
export async function readCached(key) {
  try {
    const row = await withStore(CACHE, 'readonly', (store) => store.get(key));
    return row ? row.value : undefined;
  } catch {
    return undefined;
  }
}

export async function writeCached(key, value) {
  try {
    await withStore(CACHE, 'readwrite', (store) => store.put({ key, value, at: Date.now() }));
  } catch {
    // Storage full or disabled: the screen still works online.
  }
}

/** Forgets every stored answer (signing out on a shared phone). The outbox stays: nothing queued is dropped. */
export async function clearCached() {
  try {
    await withStore(CACHE, 'readwrite', (store) => store.clear());
  } catch {
    // Nothing stored.
  }
  if (typeof caches !== 'undefined') await caches.delete(IMAGE_CACHE).catch(() => false);
}
