import { useApp } from './context.js';
import { applyUpdate, useWaitingWorker } from './sw-client.js';

/** An inline bar, not a pop-up: the new version waits until the user presses the button. */
export function UpdateBanner() {
  const { t } = useApp();
  const worker = useWaitingWorker();
  // The live region stays in the page so its content is announced when it appears.
  return (
    <div class={worker ? 'update-banner' : undefined} role="status">
      {worker && (
        <>
          <p>{t('app.update_ready')}</p>
          <button type="button" class="button button-primary" onClick={applyUpdate}>{t('app.update')}</button>
        </>
      )}
    </div>
  );
}
