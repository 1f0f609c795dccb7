import { useEffect, useState } from 'react';
import { hashToRoute, routeToHash, type Route } from './routes';

/** The current view, following the URL hash (back and forward buttons included). */
export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => hashToRoute(window.location.hash));
  useEffect(() => {
    const follow = (): void => setRoute(hashToRoute(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return route;
}

/** Show `route`, adding a history entry (or replacing the current one). */
export function navigate(route: Route, replace = false): void {
  const hash = routeToHash(route);
  if (window.location.hash === hash) return;
  if (replace) {
    window.history.replaceState(null, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = hash;
  }
}

export function href(route: Route): string {
  return routeToHash(route);
}
