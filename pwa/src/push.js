// Web Push opt-in, only after the user taps and reads why. Chrome's push
// service is unreachable in mainland China and iOS only delivers to installed
// apps, so the inbox (and SMS) stay the reliable channel.

const SUBSCRIBE_TIMEOUT_MS = 15000;

export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function keyBytes(base64url) {
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
  const json = subscription.toJSON();
  await api('/push/subscriptions', {
    method: 'POST',
    body: { endpoint: json.endpoint, keys: json.keys, expirationTime: json.expirationTime ?? null, locale },
  });
  return subscription;
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
