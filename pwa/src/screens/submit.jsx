// Submit a request, complaint or suggestion. It goes into the outbox first, so
// it is kept when the network is gone and sent exactly once when it returns.

import { useState } from 'preact/hooks';

import { Feedback, useAction } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { newKey } from '../outbox.js';
import { queueRequest } from '../outbox-client.js';
import { shrinkPhoto } from '../photos.js';
import { RegionPicker } from '../region-picker.jsx';
import { navigate, routeQuery } from '../router.js';
import { ScreenTitle } from '../ui.jsx';

const KINDS = ['request', 'complaint', 'suggestion'];
const MAX_PHOTOS = 9;

export function SubmitScreen() {
  const { t, locale, session } = useApp();
  const query = routeQuery();
  const serviceCode = query.get('service') || '';
  const service = useApi(serviceCode ? `/services/${encodeURIComponent(serviceCode)}` : null, { offline: true });
  // A request (办事申请) is always for a catalog entry; without one, only complaints and suggestions.
  const kinds = serviceCode ? KINDS : KINDS.slice(1);
  const [kind, setKind] = useState(kinds.includes(query.get('kind')) ? query.get('kind') : kinds[0]);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const home = session.user.region;
  const [region, setRegion] = useState(home && home.level === 'grid' ? { code: home.code, name: home.name } : null);
  const [photos, setPhotos] = useState([]);
  // One line for the form: busy 'photos' while they are shrunk, 'send' while it is stored.
  const { busy, error, run, fail } = useAction();
  const shrinking = busy === 'photos';

  async function onPhotos(event) {
    const files = Array.from(event.currentTarget.files || []).slice(0, MAX_PHOTOS - photos.length);
    event.currentTarget.value = '';
    await run(async () => {
      const shrunk = [];
      for (const file of files) shrunk.push(await shrinkPhoto(file));
      setPhotos((current) => [...current, ...shrunk]);
    }, { busy: 'photos', describe: () => t('ui.submit.photo_failed') });
  }

  async function onSubmit(event) {
    event.preventDefault();
    if (!title.trim() || !description.trim()) {
      fail(t('ui.submit.required'));
      return;
    }
    if (!region) {
      fail(t('ui.submit.region_required'));
      return;
    }
    const body = { kind, title: title.trim(), description: description.trim(), region: region.code };
    if (kind === 'request' && serviceCode) body.service_code = serviceCode;
    const key = newKey();
    const stored = await run(() => queueRequest({
      key, owner: session.user.id, path: '/cases', body, locale, kind: 'case', label: body.title, photos,
    }), { busy: 'send', describe: () => t('ui.submit.store_failed') });
    // The list says when the office will start on it, once the server has answered (`key`).
    if (stored) navigate(`/cases?sent=1&key=${encodeURIComponent(key)}`);
  }

  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t(`ui.submit.title_${kind}`)}</ScreenTitle>
      {service.data && <p class="lead">{t('ui.submit.for_service', { name: service.data.name })}</p>}
      <form class="form" onSubmit={onSubmit} noValidate>
        <fieldset class="fieldset">
          <legend>{t('ui.submit.kind')}</legend>
          <div class="choices">
            {kinds.map((value) => (
              <label key={value} class="choice">
                <input type="radio" name="kind" value={value} checked={kind === value} onChange={() => setKind(value)} />
                {t(`case.kind.${value}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <div class="field">
          <label for="case-title">{t('ui.submit.case_title')}</label>
          <input id="case-title" class="input" maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="case-description">{t('ui.submit.description')}</label>
          <textarea
            id="case-description"
            class="input textarea"
            rows={5}
            maxLength={5000}
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </div>
        <RegionPicker value={region} onChange={setRegion} legend={t('ui.submit.region')} offerHome />
        <div class="field">
          <label for="case-photos">{t('ui.submit.photos')}</label>
          <input id="case-photos" class="input" type="file" accept="image/*" multiple disabled={photos.length >= MAX_PHOTOS} onChange={onPhotos} />
          <p class="meta" role="status">
            {shrinking ? t('ui.submit.photos_preparing') : t('ui.submit.photos_count', { count: photos.length, max: MAX_PHOTOS })}
          </p>
          {photos.length > 0 && (
            <button type="button" class="button button-secondary" onClick={() => setPhotos([])}>{t('ui.submit.photos_clear')}</button>
          )}
        </div>
        <Feedback error={error} />
        <button type="submit" class="button button-primary button-wide" disabled={Boolean(busy)}>{t('ui.submit.send')}</button>
        <p class="meta">{t('ui.submit.offline_hint')}</p>
      </form>
    </section>
  );
}
