// Photos for a step (a resolved case, a visit): shrunk on the phone at once,
// kept as Blobs until the outbox uploads them.

import { Feedback, useAction } from '../action.jsx';
import { useApp } from '../context.js';
import { shrinkPhoto } from '../photos.js';

export const MAX_PHOTOS = 9;

/** A file input whose chosen photos are shrunk and handed to `onChange([Blob])`. */
export function PhotoInput({ id, photos, onChange }) {
  const { t } = useApp();
  const { busy: shrinking, error, run } = useAction({ describe: () => t('ui.submit.photo_failed') });
  async function onPick(event) {
    const files = Array.from(event.currentTarget.files || []).slice(0, MAX_PHOTOS - photos.length);
    event.currentTarget.value = '';
    await run(async () => {
      const shrunk = [];
      for (const file of files) shrunk.push(await shrinkPhoto(file));
      onChange([...photos, ...shrunk]);
    });
  }
  return (
    <div class="field">
      <label for={id}>{t('ui.field.photos')}</label>
      <input id={id} class="input" type="file" accept="image/*" multiple disabled={photos.length >= MAX_PHOTOS} onChange={onPick} />
      <p class="meta" role="status">
        {shrinking ? t('ui.submit.photos_preparing') : t('ui.submit.photos_count', { count: photos.length, max: MAX_PHOTOS })}
      </p>
      {error && <Feedback error={error} />}
      {photos.length > 0 && (
        <button type="button" class="button button-secondary" onClick={() => onChange([])}>{t('ui.submit.photos_clear')}</button>
      )}
    </div>
  );
}
