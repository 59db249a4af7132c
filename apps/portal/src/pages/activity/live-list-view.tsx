import type { ComponentChildren } from 'preact';
import { LiveState } from './explanation-box';
import type { ListLoad } from './live-list';

interface LiveListViewProps<T> {
  list: {
    load: ListLoad<T>;
    fresh: Set<string>;
    olderBusy: boolean;
    olderError: string | null;
    showOlder: () => Promise<void>;
    checkedAt: Date | null;
    pollError: string | null;
    announcement: string;
  };
  paused: boolean;
  /** "SCIM requests": the loading text, the list's label and its older-page button say it. */
  noun: string;
  /** What an empty list says (with or without filters). */
  empty: string;
  item: (entry: T, fresh: boolean) => ComponentChildren;
}

/** A live list's state line and its entries, newest first, with its loading, failure and empty states and "Show older". */
export function LiveListView<T extends { id: string }>(props: LiveListViewProps<T>) {
  const { list, paused } = props;
  return (
    <>
      <LiveState
        paused={paused}
        checkedAt={list.checkedAt}
        pollError={list.pollError}
        announcement={list.announcement}
      />
      <Entries {...props} />
    </>
  );
}

function Entries<T extends { id: string }>({ list, noun, empty, item }: LiveListViewProps<T>) {
  const { load } = list;
  if (load.kind === 'loading') {
    return (
      <p role="status" class="loading">
        Loading {noun}…
      </p>
    );
  }
  if (load.kind === 'failed') {
    return (
      <p role="alert" class="error">
        {load.message}
      </p>
    );
  }
  if (load.items.length === 0) return <p class="empty">{empty}</p>;
  return (
    <>
      <ol
        class="activity-list"
        aria-label={`${noun.charAt(0).toUpperCase()}${noun.slice(1)}, newest first`}
      >
        {load.items.map((entry) => item(entry, list.fresh.has(entry.id)))}
      </ol>
      {load.nextCursor ? (
        <p class="pager">
          <button
            type="button"
            class="secondary"
            disabled={list.olderBusy}
            onClick={() => void list.showOlder()}
          >
            Show older {noun}
          </button>
        </p>
      ) : null}
      {list.olderError ? (
        <p role="alert" class="error">
          {list.olderError}
        </p>
      ) : null}
    </>
  );
}
