import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { Link } from '../../link';
import type { Explanation } from './explanations';

/** Whether the signed-in role may open the admin-only pages a fix may link to (Connect IdP). */
export const MayConfigure = createContext(true);

/** The portal pages only an admin may open. */
const ADMIN_ONLY = new Set(['/connect', '/webhooks']);

/** A failure explained: what it is, why, what to do, where the docs say so, and the page to fix it. */
export function ExplanationBox({ explanation }: { explanation: Explanation }) {
  const mayConfigure = useContext(MayConfigure);
  const link = explanation.link;
  const linkable = link && (mayConfigure || !ADMIN_ONLY.has(link.href));
  return (
    <div class="explanation">
      <p class="explanation-title">
        <strong>{explanation.title}.</strong> {explanation.cause}
      </p>
      <p>
        <span class="explanation-label">What to do: </span>
        {explanation.fix}
        {linkable ? (
          <>
            {' '}
            <Link href={link.href}>{link.label}</Link>
          </>
        ) : link ? (
          ' An admin of the organization can do this in the portal (a group admin cannot).'
        ) : null}
      </p>
      <p class="hint explanation-source">From {explanation.source}</p>
    </div>
  );
}

/** The live list's state in words, and its announcements (polite: only when something is new). */
export function LiveState({
  paused,
  checkedAt,
  pollError,
  announcement,
}: {
  paused: boolean;
  checkedAt: Date | null;
  pollError: string | null;
  announcement: string;
}) {
  return (
    <>
      <p class="hint live-state">
        {paused
          ? 'Live updates are paused.'
          : `Live: new entries appear on their own${checkedAt ? ` (last checked ${checkedAt.toLocaleTimeString()})` : ''}.`}
        {pollError ? ` ${pollError}` : ''}
      </p>
      <p role="status" aria-live="polite" class="visually-hidden live-announcement">
        {announcement}
      </p>
    </>
  );
}
