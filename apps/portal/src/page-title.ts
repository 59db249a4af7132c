import { useEffect, useRef } from 'preact/hooks';

/** The first page keeps the browser's own start (focus on the document, Tab from the top). */
let navigated = false;

/**
 * Sets the document title and, after an in-app navigation, moves focus to the page's heading, so
 * that a screen reader announces where the navigation went and the keyboard goes on from there.
 */
export function usePageTitle(title: string) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Rollcall admin`;
    if (navigated) heading.current?.focus();
    navigated = true;
  }, [title]);
  return heading;
}
