import { useState } from 'preact/hooks';

/**
 * A signing secret shown the one time the API answers it: the value, a Copy button, and a button
 * to put it away once stored (it cannot be shown again; rotate to get a new one).
 */
export function SecretOnce({
  secret,
  url,
  onDismiss,
}: {
  secret: string;
  url: string;
  onDismiss: () => void;
}) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setSaid('Signing secret copied.');
    } catch {
      setSaid('Copying is not allowed here: select the secret and copy it.');
    }
  };
  return (
    <div class="card secret-once" role="region" aria-labelledby="secret-heading">
      <h2 id="secret-heading">Signing secret for {url}</h2>
      <p>
        Store it now in the receiver: it is shown only this once. The receiver checks each
        delivery’s <code>webhook-signature</code> with it (Standard Webhooks).
      </p>
      <div class="secret-value">
        <code data-secret>{secret}</code>
        <button type="button" class="secondary" onClick={() => void copy()}>
          Copy secret
        </button>
      </div>
      <p role="status" class="hint">
        {said}
      </p>
      <button type="button" onClick={onDismiss}>
        I have stored it
      </button>
    </div>
  );
}
