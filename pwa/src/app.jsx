import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';

import { ApiError, apiRequest } from './http.js';
import { AreaScreen, roleHome } from './areas.jsx';
import { AppContext } from './context.js';
import { Header } from './header.jsx';
import { createTranslator, loadMessages } from './i18n.js';
import { applyToDocument, savedLocale, storeElderMode, storeLocale, storedElderMode } from './prefs.js';
import { NavBar } from './nav.jsx';
import { startOutbox } from './outbox-client.js';
import { syncPush, unsubscribePush } from './push.js';
import { PATHS, ROUTES, matchRoute, navigate, routeTo, useRoute } from './router.js';
import { BookScreen } from './screens/book.jsx';
import { BookingsScreen } from './screens/bookings.jsx';
import { CaseScreen } from './screens/case.jsx';
import { CasesScreen } from './screens/cases.jsx';
import { HomeScreen } from './screens/home.jsx';
import { InboxScreen } from './screens/inbox.jsx';
import { ServiceScreen } from './screens/service.jsx';
import { SettingsScreen } from './screens/settings.jsx';
import { SignInScreen } from './screens/signin.jsx';
import { SubmitScreen } from './screens/submit.jsx';
import { loadSession, saveSession } from './session.js';
import { clearCached } from './store.js';
import { UpdateBanner } from './update-banner.jsx';

const PROFILE_WAIT_MS = 3000;
// Signing out waits at most this long for the push service before ending the session.
const SIGN_OUT_WAIT_MS = 5000;

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function App({ initialLocale, initialMessages }) {
  const [locale, setLocaleState] = useState(initialLocale);
  const [messages, setMessages] = useState(initialMessages);
  const [elderMode, setElderModeState] = useState(() => storedElderMode() === true);
  const [session, setSession] = useState(loadSession);
  const route = useRoute();
  const t = useMemo(() => createTranslator(messages), [messages]);
  const token = session ? session.access_token : null;

  useEffect(() => applyToDocument(locale, elderMode), [locale, elderMode]);

  // Read synchronously by signing out, which may be asked twice in one tick (a 401 seen by
  // the api and by the screen that made the call).
  const sessionRef = useRef(session);
  const tokenEnded = useRef(() => {});

  const api = useCallback((path, options = {}) => apiRequest(path, { ...options, locale, token }).catch((error) => {
    // This session was ended: signed out from another device, or the account was changed.
    if (token && error instanceof ApiError && error.code === 'auth.invalid_token') tokenEnded.current(token);
    throw error;
  }), [locale, token]);

  const updateUser = useCallback((user) => {
    setSession((current) => {
      if (!current) return current;
      const next = { ...current, user };
      saveSession(next);
      return next;
    });
  }, []);

  const switchLocale = useCallback(async (next, { remember = true } = {}) => {
    const nextMessages = await loadMessages(next);
    if (remember) storeLocale(next);
    // The server answers a signed-in user in their saved script, whatever
    // Accept-Language says: save it first, so the screens reload in the new one.
    // (At most a few seconds: on a bad line the switch must not wait for the server.)
    if (remember && token) {
      const saved = saveProfile({ locale: next }, next, token).then((user) => user && updateUser(user));
      await Promise.race([saved, delay(PROFILE_WAIT_MS)]);
    }
    setMessages(nextMessages);
    setLocaleState(next);
  }, [token, updateUser]);

  // One script on one screen: the screen follows the script saved in the profile (at
  // sign-in, or changed on another device and seen in a fresh GET /me), since the
  // server answers in that one whatever the screen asks.
  const saved = savedLocale(session && session.user);
  const localeRef = useRef(locale);
  localeRef.current = locale;
  useEffect(() => {
    if (saved && saved !== localeRef.current) switchLocale(saved, { remember: false }).catch(reportLocaleFailure);
  }, [saved, switchLocale]);
  // A user who never chose a script (at sign-in, or a session kept from before the
  // profile said so) gets this device's saved: the one the screen shows.
  const unchosen = Boolean(session && session.user.locale_chosen === false);
  useEffect(() => {
    if (!unchosen || !token) return;
    const shown = localeRef.current;
    saveProfile({ locale: shown }, shown, token).then((fresh) => fresh && updateUser(fresh));
  }, [unchosen, token, updateUser]);

  const setElderMode = useCallback((on) => {
    storeElderMode(on);
    setElderModeState(on);
    if (token) saveProfile({ elder_mode: on }, locale, token);
  }, [locale, token]);

  const signIn = useCallback(({ access_token, user }) => {
    saveSession({ access_token, user });
    sessionRef.current = { access_token, user };
    setSession({ access_token, user });
    // The screen then follows the saved script, or saves its own (the effects above).
    if (storedElderMode() === null && user.elder_mode) setElderModeState(true);
    navigate(roleHome(user.role));
  }, []);

  const leave = useCallback((endOnServer) => {
    if (!sessionRef.current) return;
    sessionRef.current = null;
    // A shared phone must not go on showing the last user's case news: drop this
    // browser's subscription on the server and at the push service (best effort;
    // offline, the push service's 410 tells the server later). Then end the session,
    // so a copy of the token stops working too (offline: it lapses on its own).
    const unsubscribed = unsubscribePush(api).catch(reportPushSyncFailure);
    if (endOnServer) {
      Promise.race([unsubscribed, delay(SIGN_OUT_WAIT_MS)])
        .then(() => api('/auth/sign-out', { method: 'POST' }))
        .catch(reportSignOutFailure);
    }
    clearCached();
    saveSession(null);
    setSession(null);
    navigate(ROUTES.signin);
  }, [api]);
  const signOut = useCallback(() => leave(true), [leave]);
  tokenEnded.current = (ended) => {
    if (sessionRef.current && sessionRef.current.access_token === ended) leave(false);
  };

  const signedIn = Boolean(session);
  useEffect(() => {
    if (signedIn) startOutbox();
  }, [signedIn]);

  const userId = session ? session.user.id : null;
  useEffect(() => {
    if (token) syncPush(api, token, locale, userId).catch(reportPushSyncFailure);
  }, [token, locale, api, userId]);

  // Signed out, every route leads to sign-in; signed in, sign-in leads home.
  const matched = matchRoute(route);
  const screen = session ? `${matched.name}:${matched.param || ''}:${matched.rest}` : 'signin';
  useEffect(() => {
    if (!session && route !== ROUTES.signin) navigate(ROUTES.signin, { replace: true });
    else if (session && route === ROUTES.signin) navigate(roleHome(session.user.role), { replace: true });
    // A case opened from a push message or the inbox (#/cases/ID) opens in the worker's own area.
    else if (session && matched.name === 'case' && roleHome(session.user.role) !== ROUTES.home) {
      navigate(`${roleHome(session.user.role)}/cases/${matched.param}`, { replace: true });
    }
  }, [route, session, matched.name, matched.param]);

  // Screen readers and keyboards start at the new screen's heading.
  const mainRef = useRef(null);
  const shownScreen = useRef(screen);
  useEffect(() => {
    if (shownScreen.current === screen) return;
    shownScreen.current = screen;
    const heading = mainRef.current && mainRef.current.querySelector('h1');
    if (heading) heading.focus();
  }, [screen]);

  const context = {
    t, locale, setLocale: switchLocale, elderMode, setElderMode, session, signIn, signOut, updateUser, api,
  };
  return (
    <AppContext.Provider value={context}>
      <Header showScript={!session || matched.name === 'home'} />
      <UpdateBanner />
      {session && <NavBar matched={matched} />}
      <main id="main" class="main" tabIndex={-1} ref={mainRef}>
        {session ? routeTo(route, SCREENS, () => <HomeScreen />) : <SignInScreen />}
      </main>
    </AppContext.Provider>
  );
}

// The resident area's route table (routeTo, as in every role area), with the doors to those areas.
const SCREENS = [
  [PATHS.area, (area, rest) => <AreaScreen key={area} area={area} path={rest || '/'} />],
  [PATHS.service, (code) => <ServiceScreen key={code} code={code} />],
  [PATHS.submit, () => <SubmitScreen />],
  [PATHS.book, () => <BookScreen />],
  [PATHS.cases, () => <CasesScreen />],
  [PATHS.bookings, () => <BookingsScreen />],
  [PATHS.case, (id) => <CaseScreen key={id} id={id} />],
  [PATHS.inbox, () => <InboxScreen />],
  [PATHS.settings, () => <SettingsScreen />],
];

/** Best effort: the choice already applies on this device; the server uses it for SMS and push. */
function saveProfile(changes, locale, token) {
  return apiRequest('/me', { method: 'PATCH', body: changes, locale, token }).catch(reportProfileFailure);
}

function reportProfileFailure(error) {
  console.warn('could not save display preference to the profile', error);
}

function reportPushSyncFailure(error) {
  console.warn('could not tell the server about this device\'s push subscription', error);
}

function reportSignOutFailure(error) {
  console.warn('could not end this session on the server', error);
}

function reportLocaleFailure(error) {
  console.warn('could not load the profile locale', error);
}
