import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../../action';
import { api } from '../../api';
import { formatDateTime } from '../../format';
import { describeScimRequest, describeSignIn } from './describe';
import { guideFor, type IdpGuide } from './idp-guides';
import type { Page, ProvisioningLogEntry, SamlStatus, ScimStatus, SignInAttempt } from './types';

type Last<T> =
  { kind: 'loading' } | { kind: 'loaded'; entry: T | null } | { kind: 'failed'; message: string };

interface TestSectionProps {
  guide: IdpGuide;
  scim: ScimStatus;
  saml: SamlStatus;
}

/** The last SCIM request and the last sign-in attempt, in plain words, with a refresh. */
export function TestSection({ guide, scim, saml }: TestSectionProps) {
  const [request, setRequest] = useState<Last<ProvisioningLogEntry>>({ kind: 'loading' });
  const [signIn, setSignIn] = useState<Last<SignInAttempt>>({ kind: 'loading' });
  const [checkedAt, setCheckedAt] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async () => {
    setBusy(true);
    const [logs, signIns] = await Promise.allSettled([
      api<Page<ProvisioningLogEntry>>('/api/v1/scim/logs?limit=1'),
      api<Page<SignInAttempt>>('/api/v1/sso/sign-ins?limit=1'),
    ]);
    setRequest(
      logs.status === 'fulfilled'
        ? { kind: 'loaded', entry: logs.value.data[0] ?? null }
        : { kind: 'failed', message: messageOf(logs.reason) },
    );
    setSignIn(
      signIns.status === 'fulfilled'
        ? { kind: 'loaded', entry: signIns.value.data[0] ?? null }
        : { kind: 'failed', message: messageOf(signIns.reason) },
    );
    setCheckedAt(new Date().toISOString());
    setBusy(false);
  };
  useEffect(() => {
    void check();
  }, []);

  const idpName = guide.name;
  return (
    <section class="card connect-section" aria-labelledby="test-heading">
      <h2 id="test-heading">Test the connection</h2>
      <p>
        Do something in {idpName} (assign a test user, or sign in through it), then test: this shows
        the last request Rollcall received.
      </p>
      <div class="form-actions">
        <button type="button" disabled={busy} onClick={() => void check()}>
          Test connection
        </button>
      </div>
      <div class="test-results" aria-live="polite">
        <h3>Last SCIM request</h3>
        {request.kind === 'loading' ? (
          <p class="loading">Checking…</p>
        ) : request.kind === 'failed' ? (
          <p role="alert" class="error">
            {request.message}
          </p>
        ) : request.entry ? (
          <p class={`result result-${request.entry.outcome}`} data-test="last-scim-request">
            {describeScimRequest(request.entry, idpOf(scim, guide))}
            <span class="secondary-text">
              {request.entry.method} {request.entry.path} ·{' '}
              {formatDateTime(request.entry.occurredAt)}
            </span>
          </p>
        ) : (
          <p class="nothing" data-test="last-scim-request">
            {!guide.scim.supported && !scim.enabled
              ? `No SCIM request has arrived, as expected: ${idpName} does not provision over SCIM.`
              : !scim.enabled
                ? 'No SCIM request has arrived yet, and SCIM is off: turn it on above.'
                : `No SCIM request has arrived yet. Check that ${idpName} has the base URL and the current credentials, that provisioning is turned on, and assign a test user. ${guide.scim.test} A request with wrong credentials is refused before Rollcall knows the organization, so it shows only in ${idpName}’s own log.`}
          </p>
        )}
        <h3>Last sign-in attempt</h3>
        {signIn.kind === 'loading' ? (
          <p class="loading">Checking…</p>
        ) : signIn.kind === 'failed' ? (
          <p role="alert" class="error">
            {signIn.message}
          </p>
        ) : signIn.entry ? (
          <p class={`result result-${signIn.entry.outcome}`} data-test="last-sign-in">
            {describeSignIn(signIn.entry)}
            <span class="secondary-text">
              {signIn.entry.flow === 'sp' ? 'Started at Rollcall' : `Started in ${idpName}`} ·{' '}
              {formatDateTime(signIn.entry.occurredAt)}
            </span>
          </p>
        ) : (
          <p class="nothing" data-test="last-sign-in">
            {saml.configured
              ? `No sign-in attempt yet. Open ${saml.serviceProvider.loginUrl} in a private window, or the app’s tile in ${idpName}. If ${idpName} shows an error before coming back, check the ACS URL and the SP entity id there.`
              : 'No sign-in attempt yet, and SAML is not set up: send the IdP’s metadata above.'}
          </p>
        )}
        {checkedAt ? <p class="hint">Checked {formatDateTime(checkedAt)}.</p> : null}
      </div>
    </section>
  );
}

/** The name of the IdP SCIM was enabled for (requests come from it), else the chosen one. */
function idpOf(scim: ScimStatus, guide: IdpGuide): string {
  const from = scim.idp ? (guideFor(scim.idp) ?? guide) : guide;
  return from.id === 'other' ? 'The IdP' : from.name;
}
