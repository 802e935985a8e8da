// The signed-in landing page. The service desk itself comes in later issues.

import { useEffect } from 'preact/hooks';

import { ApiError } from '../api.js';
import { useApp, useDocumentTitle } from '../context.js';
import { formatPhone } from '../phone.js';

const ROLES = ['resident', 'grid_worker', 'staff', 'admin'];

export function HomeScreen() {
  const { t, api, locale, session, signOut, updateUser } = useApp();
  const { user } = session;
  useDocumentTitle(`${t('app.home')} - ${t('app.name')}`);

  // Refresh the stored profile (also after a script switch: region names follow
  // Accept-Language); a token the server no longer accepts signs out.
  useEffect(() => {
    let current = true;
    api('/me').then(
      (fresh) => current && fresh && updateUser(fresh),
      (failure) => current && failure instanceof ApiError && failure.status === 401 && signOut(),
    );
    return () => {
      current = false;
    };
  }, [session.access_token, locale]);

  const details = [ROLES.includes(user.role) ? t(`role.${user.role}`) : null, user.region ? user.region.name : null];
  return (
    <section class="screen home" aria-labelledby="home-title">
      <h1 id="home-title" tabIndex={-1}>{t('signin.signed_in', { name: user.name || formatPhone(user.phone) })}</h1>
      <p class="lead">{details.filter(Boolean).join(' · ')}</p>
      <button type="button" class="button button-secondary" onClick={signOut}>{t('signin.sign_out')}</button>
    </section>
  );
}
