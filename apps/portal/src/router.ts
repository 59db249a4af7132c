import { useEffect, useState } from 'preact/hooks';

/** The portal lives under /admin; the server answers index.html for every page path below it. */
export const BASE = '/admin';

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

/** The page path below /admin ("/users"), "/" for /admin itself. */
export function currentPath(): string {
  const path = window.location.pathname;
  const below = path.startsWith(BASE) ? path.slice(BASE.length) : path;
  const trimmed = below.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/**
 * Links of the form /admin/#/denied (what the sign-in redirect uses) open the page /admin/denied;
 * every other fragment (a setup token) is left for its page.
 */
export function adoptHashRoute(): void {
  const hash = window.location.hash;
  if (hash.startsWith('#/')) window.history.replaceState(null, '', `${BASE}${hash.slice(1)}`);
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = `${BASE}${path}`;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  notify();
}

/** The current page path; re-renders on navigation and on the browser's back and forward. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** Whether a click should open the link in place (not a new tab or window). */
export function isPlainClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}
