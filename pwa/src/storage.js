// localStorage can throw (private mode, storage disabled, quota); the app must
// still work then, it just forgets between visits.

export function readStored(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key, value) {
  try {
    if (value == null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Nothing to do: the choice lasts for this visit only.
  }
}
