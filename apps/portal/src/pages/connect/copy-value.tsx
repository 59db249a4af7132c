import { useState } from 'preact/hooks';

/**
 * A value to copy into the IdP: the text itself (selectable, wraps on a phone) and a Copy button
 * named after it. Where the clipboard is not available, the button says to select the text.
 */
export function CopyValue({
  label,
  value,
  secret,
}: {
  label: string;
  value: string;
  secret?: boolean;
}) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setSaid(`${label} copied.`);
    } catch {
      setSaid('Copying is not allowed here: select the text and copy it.');
    }
  };
  return (
    <div class="copy-value">
      <code class={secret ? 'secret' : undefined} data-value-of={label}>
        {value}
      </code>
      <button
        type="button"
        class="secondary copy"
        aria-label={`Copy ${label}`}
        onClick={() => void copy()}
      >
        Copy
      </button>
      <span role="status" class="copy-said">
        {said}
      </span>
    </div>
  );
}
