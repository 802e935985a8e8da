// One catalog entry: what it is, who qualifies, materials, the promised time
// limit, and a button per channel.

import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { LoadState, ScreenTitle } from '../ui.jsx';

const CHANNEL_LINKS = {
  online: (code) => `#/submit?kind=request&service=${encodeURIComponent(code)}`,
  door_to_door: (code) => `#/book?kind=visit&service=${encodeURIComponent(code)}`,
  proxy: (code) => `#/book?kind=proxy&service=${encodeURIComponent(code)}`,
};

export function ServiceScreen({ code }) {
  const { t } = useApp();
  const state = useApi(`/services/${encodeURIComponent(code)}`, { offline: true });
  const service = state.data;
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{service ? service.name : t('ui.service.title')}</ScreenTitle>
      <LoadState state={state} />
      {service && (
        <>
          <p class="lead">{service.category_name}</p>
          <p>{service.description}</p>
          <dl class="facts">
            <dt>{t('ui.service.time_limit')}</dt>
            <dd>{t('ui.service.working_days', { days: service.time_limit_days })}</dd>
            {service.fee && (<><dt>{t('ui.service.fee')}</dt><dd>{service.fee}</dd></>)}
            {service.implementing_body && (<><dt>{t('ui.service.body')}</dt><dd>{service.implementing_body}</dd></>)}
          </dl>
          <h2>{t('ui.service.who')}</h2>
          <ul class="bullets">{service.target_groups.map((group) => <li key={group}>{group}</li>)}</ul>
          <h2>{t('ui.service.materials')}</h2>
          <ul class="bullets">{service.materials.map((item) => <li key={item}>{item}</li>)}</ul>
          {service.policy_basis && <p class="meta">{t('ui.service.policy', { basis: service.policy_basis })}</p>}
          <h2>{t('ui.service.how')}</h2>
          <div class="channel-buttons">
            {service.channels.filter((channel) => CHANNEL_LINKS[channel]).map((channel) => (
              <a key={channel} class="button button-primary button-wide" href={CHANNEL_LINKS[channel](service.code)}>
                {t(`ui.service.channel.${channel}`)}
              </a>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
