import type { ComponentChildren } from 'preact';
import { BASE, isPlainClick, navigate } from './router';

interface LinkProps {
  /** A page path below /admin ("/users"). */
  href: string;
  current?: boolean;
  children: ComponentChildren;
}

/** A real link (opens in a new tab too) that navigates in place on a plain click. */
export function Link({ href, current, children }: LinkProps) {
  return (
    <a
      href={`${BASE}${href}`}
      aria-current={current ? 'page' : undefined}
      onClick={(event) => {
        if (!isPlainClick(event)) return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
