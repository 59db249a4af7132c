/** A `datetime-local` value (the admin's local time) as the ISO instant the API takes. */
export function instant(local: string): string | undefined {
  if (local === '') return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

interface TimeRangeFieldsProps {
  /** Makes the fields' ids unique on the page (`scim` gives `scim-from`, `scim-to`). */
  idPrefix: string;
  from: string;
  to: string;
  onChange: (change: { from?: string; to?: string }) => void;
}

/** The From and Until fields of a log's filters, in the admin's local time (`from` ≤ t < `to`). */
export function TimeRangeFields({ idPrefix, from, to, onChange }: TimeRangeFieldsProps) {
  return (
    <>
      <div class="field">
        <label for={`${idPrefix}-from`}>From</label>
        <input
          id={`${idPrefix}-from`}
          type="datetime-local"
          value={from}
          onChange={(event) => onChange({ from: event.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for={`${idPrefix}-to`}>Until</label>
        <input
          id={`${idPrefix}-to`}
          type="datetime-local"
          value={to}
          onChange={(event) => onChange({ to: event.currentTarget.value })}
        />
      </div>
    </>
  );
}

/** A log's "Clear filters" button, shown while any filter is set. */
export function ClearFilters({ shown, onClear }: { shown: boolean; onClear: () => void }) {
  if (!shown) return null;
  return (
    <div class="field actions">
      <button type="button" class="secondary" onClick={onClear}>
        Clear filters
      </button>
    </div>
  );
}
