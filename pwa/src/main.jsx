import './styles.css';

import { render } from 'preact';

import { App } from './app.jsx';
import { loadMessages } from './i18n.js';
import { applyToDocument, initialLocale, storedElderMode } from './prefs.js';
import { loadSession } from './session.js';
import { registerServiceWorker } from './sw-client.js';

async function boot() {
  const root = document.getElementById('app');
  const locale = initialLocale(loadSession());
  applyToDocument(locale, storedElderMode());
  registerServiceWorker();
  let messages;
  try {
    messages = await loadMessages(locale);
  } catch (error) {
    console.error(error);
    showBootFailure(root);
    return;
  }
  root.textContent = '';
  render(<App initialLocale={locale} initialMessages={messages} />, root);
}

/** Without messages there is no text to show but what the build put into index.html. */
function showBootFailure(root) {
  const message = document.createElement('p');
  message.setAttribute('role', 'alert');
  message.textContent = root.dataset.loadFailed;
  const retry = document.createElement('button');
  retry.type = 'button';
  retry.className = 'button button-primary';
  retry.textContent = root.dataset.retry;
  retry.addEventListener('click', reloadPage);
  root.textContent = '';
  root.append(message, retry);
  root.classList.add('boot');
}

function reloadPage() {
  window.location.reload();
}

boot();
