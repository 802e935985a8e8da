import { createContext } from 'preact';
import { useContext, useEffect } from 'preact/hooks';

/** {t, locale, setLocale, elderMode, setElderMode, session, signIn, signOut, api} */
export const AppContext = createContext(null);

export function useApp() {
  return useContext(AppContext);
}

export function useDocumentTitle(title) {
  useEffect(() => {
    document.title = title;
  }, [title]);
}
