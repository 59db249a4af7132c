import { useState } from 'preact/hooks';
import { query } from '../../api';
import { when } from './when';
import { ExplanationBox } from './explanation-box';
import { LiveListView } from './live-list-view';
import { explainScim } from './explanations';
import { useLiveList } from './live-list';
import { ClearFilters, instant, TimeRangeFields } from './log-filters';
import type { ScimLogEntry } from './types';

export const PAGE_SIZE = 25;

interface ScimFilters {
  outcome: string;
  resourceType: string;
  method: string;
  from: string;
  to: string;
}

const NO_FILTERS: ScimFilters = { outcome: '', resourceType: '', method: '', from: '', to: '' };
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The provisioning log: every SCIM request, newest first, live, filtered, failures explained. */
export function ScimLog({ paused }: { paused: boolean }) {
  const [filters, setFilters] = useState<ScimFilters>(NO_FILTERS);
  const params = {
    outcome: filters.outcome,
    resourceType: filters.resourceType,
    method: filters.method,
    from: instant(filters.from),
    to: instant(filters.to),
    limit: PAGE_SIZE,
  };
  const list = useLiveList<ScimLogEntry>({
    path: (cursor) => `/api/v1/scim/logs${query({ ...params, cursor })}`,
    key: JSON.stringify(params),
    paused,
    noun: ['SCIM request', 'SCIM requests'],
  });
  const set = (change: Partial<ScimFilters>) => setFilters((now) => ({ ...now, ...change }));
  const filtered = Object.values(filters).some((value) => value !== '');

  return (
    <>
      <form
        class="filters"
        aria-label="Filter SCIM requests"
        onSubmit={(event) => event.preventDefault()}
      >
        <div class="field">
          <label for="scim-outcome">Result</label>
          <select
            id="scim-outcome"
            value={filters.outcome}
            onChange={(event) => set({ outcome: event.currentTarget.value })}
          >
            <option value="">Successes and failures</option>
            <option value="success">Successes</option>
            <option value="failure">Failures</option>
          </select>
        </div>
        <div class="field">
          <label for="scim-resource">Resource</label>
          <select
            id="scim-resource"
            value={filters.resourceType}
            onChange={(event) => set({ resourceType: event.currentTarget.value })}
          >
            <option value="">Users and groups</option>
            <option value="User">Users</option>
            <option value="Group">Groups</option>
          </select>
        </div>
        <div class="field">
          <label for="scim-method">Method</label>
          <select
            id="scim-method"
            value={filters.method}
            onChange={(event) => set({ method: event.currentTarget.value })}
          >
            <option value="">Any method</option>
            {METHODS.map((method) => (
              <option key={method} value={method}>
                {method}
              </option>
            ))}
          </select>
        </div>
        <TimeRangeFields idPrefix="scim" from={filters.from} to={filters.to} onChange={set} />
        <ClearFilters shown={filtered} onClear={() => setFilters(NO_FILTERS)} />
      </form>
      <LiveListView
        list={list}
        paused={paused}
        noun="SCIM requests"
        empty={
          filtered
            ? 'No SCIM request matches these filters.'
            : 'No SCIM requests yet. They appear here as soon as your identity provider sends one.'
        }
        item={(entry: ScimLogEntry, fresh) => (
          <ScimItem key={entry.id} entry={entry} fresh={fresh} />
        )}
      />
    </>
  );
}

function ScimItem({ entry, fresh }: { entry: ScimLogEntry; fresh: boolean }) {
  const explanation = explainScim(entry);
  const failed = entry.outcome === 'failure';
  return (
    <li class={`activity-item card${failed ? ' failed' : ''}${fresh ? ' fresh' : ''}`}>
      <div class="activity-head">
        <span class={`result ${failed ? 'result-bad' : 'result-ok'}`}>
          {failed ? 'Failed' : 'Succeeded'} · {entry.status}
          {entry.scimType ? ` ${entry.scimType}` : ''}
        </span>
        <code class="request">
          {entry.method} {entry.path}
        </code>
        {fresh ? <span class="flag">New</span> : null}
      </div>
      <p class="secondary-text">
        <time dateTime={entry.occurredAt}>{when(entry.occurredAt)}</time>
        {entry.resourceType ? ` · ${entry.resourceType}` : ''}
        {entry.userName ? ` · ${entry.userName}` : ''} · {entry.durationMs} ms
      </p>
      {entry.detail ? <p class="detail">{entry.detail}</p> : null}
      {explanation ? <ExplanationBox explanation={explanation} /> : null}
    </li>
  );
}
