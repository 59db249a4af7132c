import { useState } from 'preact/hooks';
import { query } from '../../api';
import { Link } from '../../link';
import { ExplanationBox } from './explanation-box';
import { LiveListView } from './live-list-view';
import { explainSignIn } from './explanations';
import { useLiveList } from './live-list';
import { PAGE_SIZE } from './scim-log';
import { ClearFilters, instant, TimeRangeFields } from './log-filters';
import type { SignInEntry, SignInOutcome } from './types';
import { when } from './when';

const OUTCOME_LABELS: Record<SignInOutcome, string> = {
  success: 'Signed in',
  refused: 'Refused',
  rejected: 'Rejected',
};

const OUTCOME_HINTS: Record<SignInOutcome, string> = {
  success: 'The person signed in',
  refused: 'A valid sign-in that Rollcall’s rules turned away (pool, account)',
  rejected: 'A SAML response Rollcall could not accept (signature, audience, times…)',
};

interface SignInFilters {
  outcome: string;
  from: string;
  to: string;
}

const NO_FILTERS: SignInFilters = { outcome: '', from: '', to: '' };

/** Sign-in attempts over SAML, newest first, live, filtered by outcome and time, refusals explained. */
export function SignIns({ paused }: { paused: boolean }) {
  const [filters, setFilters] = useState<SignInFilters>(NO_FILTERS);
  const params = {
    outcome: filters.outcome,
    from: instant(filters.from),
    to: instant(filters.to),
    limit: PAGE_SIZE,
  };
  const list = useLiveList<SignInEntry>({
    path: (cursor) => `/api/v1/sso/sign-ins${query({ ...params, cursor })}`,
    key: JSON.stringify(params),
    paused,
    noun: ['sign-in', 'sign-ins'],
  });
  const set = (change: Partial<SignInFilters>) => setFilters((now) => ({ ...now, ...change }));
  const timed = filters.from !== '' || filters.to !== '';

  return (
    <>
      <form
        class="filters"
        aria-label="Filter sign-ins"
        onSubmit={(event) => event.preventDefault()}
      >
        <div class="field">
          <label for="sign-in-outcome">Outcome</label>
          <select
            id="sign-in-outcome"
            value={filters.outcome}
            onChange={(event) => set({ outcome: event.currentTarget.value })}
          >
            <option value="">Every outcome</option>
            <option value="success">Signed in</option>
            <option value="refused">Refused (pool, account)</option>
            <option value="rejected">Rejected (invalid response)</option>
          </select>
        </div>
        <TimeRangeFields idPrefix="sign-in" from={filters.from} to={filters.to} onChange={set} />
        <ClearFilters
          shown={filters.outcome !== '' || timed}
          onClear={() => setFilters(NO_FILTERS)}
        />
      </form>
      <LiveListView
        list={list}
        paused={paused}
        noun="sign-ins"
        empty={
          timed
            ? 'No sign-in matches these filters.'
            : filters.outcome
              ? 'No sign-in has this outcome.'
              : 'No sign-ins yet. Every single sign-on attempt appears here, refused ones too.'
        }
        item={(attempt: SignInEntry, fresh) => (
          <SignInItem key={attempt.id} attempt={attempt} fresh={fresh} />
        )}
      />
    </>
  );
}

function SignInItem({ attempt, fresh }: { attempt: SignInEntry; fresh: boolean }) {
  const explanation = explainSignIn(attempt);
  const failed = attempt.outcome !== 'success';
  return (
    <li class={`activity-item card${failed ? ' failed' : ''}${fresh ? ' fresh' : ''}`}>
      <div class="activity-head">
        <span
          class={`result ${failed ? 'result-bad' : 'result-ok'}`}
          title={OUTCOME_HINTS[attempt.outcome]}
        >
          {OUTCOME_LABELS[attempt.outcome]}
          {failed ? ` · ${attempt.reason}` : ''}
        </span>
        <span class="who">
          {attempt.userId ? (
            <Link href={`/users/${attempt.userId}`}>{attempt.subject ?? 'The user'}</Link>
          ) : (
            (attempt.subject ?? 'Unknown person')
          )}
        </span>
        {fresh ? <span class="flag">New</span> : null}
      </div>
      <p class="secondary-text">
        <time dateTime={attempt.occurredAt}>{when(attempt.occurredAt)}</time> ·{' '}
        {attempt.flow === 'sp' ? 'Started at Rollcall' : 'Started at the identity provider'}
        {attempt.licensePoolName !== null ? ` · licensePoolName “${attempt.licensePoolName}”` : ''}
        {attempt.clientIp ? ` · from ${attempt.clientIp}` : ''}
      </p>
      {failed ? <p class="detail">{attempt.detail}</p> : null}
      {explanation ? <ExplanationBox explanation={explanation} /> : null}
    </li>
  );
}
