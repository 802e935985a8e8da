// This browser's device key: random, made once and kept in localStorage (sign-out
// keeps it). Sent with code requests and code checks; once a sign-in with it has
// succeeded, the server knows this device belongs to the account and gives it a
// budget of its own, so strangers asking for codes for the same phone number
// cannot keep its owner out (docs/DESIGN.md, "Sign-in limits").

import { readStored, writeStored } from './storage.js';

const DEVICE_KEY = 'bianmin.device';
const KEY_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

// Kept here too: where localStorage fails, the code request and its check still
// send the same key (the server then simply never learns it).
let current = null;

export function deviceKey() {
  if (current) return current;
  const stored = readStored(DEVICE_KEY);
  if (stored && KEY_PATTERN.test(stored)) {
    current = stored;
    return current;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  current = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  writeStored(DEVICE_KEY, current);
  return current;
}
