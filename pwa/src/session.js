// The signed-in session ({access_token, user}) kept across visits.

import { readStored, writeStored } from './storage.js';

const SESSION_KEY = 'bianmin.session';

export function loadSession() {
  try {
    const session = JSON.parse(readStored(SESSION_KEY));
    return session && typeof session.access_token === 'string' && session.user ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session) {
  writeStored(SESSION_KEY, session ? JSON.stringify(session) : null);
}
