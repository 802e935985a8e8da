import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';

import { apiRequest } from './api.js';
import { AppContext } from './context.js';
import { Header } from './header.jsx';
import { LOCALES, createTranslator, loadMessages } from './i18n.js';
import { applyToDocument, storeElderMode, storeLocale, storedElderMode, storedLocale } from './prefs.js';
import { ROUTES, navigate, useRoute } from './router.js';
import { HomeScreen } from './screens/home.jsx';
import { SignInScreen } from './screens/signin.jsx';
import { loadSession, saveSession } from './session.js';
import { UpdateBanner } from './update-banner.jsx';

export function App({ initialLocale, initialMessages }) {
  const [locale, setLocaleState] = useState(initialLocale);
  const [messages, setMessages] = useState(initialMessages);
  const [elderMode, setElderModeState] = useState(() => storedElderMode() === true);
  const [session, setSession] = useState(loadSession);
  const route = useRoute();
  const t = useMemo(() => createTranslator(messages), [messages]);
  const token = session ? session.access_token : null;

  useEffect(() => applyToDocument(locale, elderMode), [locale, elderMode]);

  const api = useCallback((path, options = {}) => apiRequest(path, { ...options, locale, token }), [locale, token]);

  const switchLocale = useCallback(async (next, { remember = true } = {}) => {
    const nextMessages = await loadMessages(next);
    if (remember) storeLocale(next);
    setMessages(nextMessages);
    setLocaleState(next);
    if (remember && token) saveProfile({ locale: next }, next, token);
  }, [token]);

  const setElderMode = useCallback((on) => {
    storeElderMode(on);
    setElderModeState(on);
    if (token) saveProfile({ elder_mode: on }, locale, token);
  }, [locale, token]);

  const signIn = useCallback(({ access_token, user }) => {
    saveSession({ access_token, user });
    setSession({ access_token, user });
    // The profile's preferences apply unless this device was told otherwise.
    if (!storedLocale() && LOCALES.includes(user.locale) && user.locale !== locale) {
      switchLocale(user.locale, { remember: false }).catch(reportLocaleFailure);
    }
    if (storedElderMode() === null && user.elder_mode) setElderModeState(true);
    navigate(ROUTES.home);
  }, [locale, switchLocale]);

  const updateUser = useCallback((user) => {
    setSession((current) => {
      if (!current) return current;
      const next = { ...current, user };
      saveSession(next);
      return next;
    });
  }, []);

  const signOut = useCallback(() => {
    saveSession(null);
    setSession(null);
    navigate(ROUTES.signin);
  }, []);

  // Signed out, every route leads to sign-in; signed in, sign-in leads home.
  const screen = session ? 'home' : 'signin';
  useEffect(() => {
    if (!session && route !== ROUTES.signin) navigate(ROUTES.signin, { replace: true });
    else if (session && route === ROUTES.signin) navigate(ROUTES.home, { replace: true });
  }, [route, session]);

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
      <Header />
      <UpdateBanner />
      <main id="main" class="main" tabIndex={-1} ref={mainRef}>
        {screen === 'home' ? <HomeScreen /> : <SignInScreen />}
      </main>
    </AppContext.Provider>
  );
}

/** Best effort: the choice already applies on this device; the server uses it for SMS and push. */
function saveProfile(changes, locale, token) {
  apiRequest('/me', { method: 'PATCH', body: changes, locale, token }).catch(reportProfileFailure);
}

function reportProfileFailure(error) {
  console.warn('could not save display preference to the profile', error);
}

function reportLocaleFailure(error) {
  console.warn('could not load the profile locale', error);
}
