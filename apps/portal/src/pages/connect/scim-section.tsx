import { useState } from 'preact/hooks';
import { useAction } from '../../action';
import { api } from '../../api';
import { FormError } from '../../form-error';
import { formatDateTime } from '../../format';
import { CopyValue } from './copy-value';
import { fromNow } from './describe';
import { GuideSteps, type Resolve } from './guide-steps';
import { type AuthMethod, guideFor, type IdpGuide } from './idp-guides';
import type { ScimCredentials, ScimStatus } from './types';

interface ScimSectionProps {
  guide: IdpGuide;
  status: ScimStatus;
  /** Reloads the status and announces what changed. */
  onChanged: (what: string) => Promise<void>;
}

const AUTH_LABELS: Record<AuthMethod, string> = {
  bearer: 'Bearer token',
  basic: 'HTTP Basic (username and password)',
};

/** Provisioning: turn SCIM on, the values to enter in the IdP, rotate with an overlap, turn off. */
export function ScimSection({ guide, status, onChanged }: ScimSectionProps) {
  // The credentials of the last enable or rotate: in this page's memory only, until dismissed.
  const [fresh, setFresh] = useState<ScimCredentials | null>(null);
  const [anyway, setAnyway] = useState(false);

  const issued = async (credentials: ScimCredentials, what: string) => {
    setFresh(credentials);
    await onChanged(what);
  };

  const resolve: Resolve = (ref) => {
    switch (ref) {
      case 'baseUrl':
        return { value: fresh?.baseUrl ?? status.baseUrl };
      case 'token':
        return fresh?.token
          ? { value: fresh.token, secret: true }
          : { missing: 'the token shown once when SCIM was turned on (rotate for a new one)' };
      case 'username':
        return fresh?.username
          ? { value: fresh.username }
          : status.username
            ? { value: status.username }
            : { missing: 'the username shown when SCIM was turned on' };
      case 'password':
        return fresh?.password
          ? { value: fresh.password, secret: true }
          : { missing: 'the password shown once when SCIM was turned on (rotate for a new one)' };
      case 'acsUrl':
      case 'entityId':
      case 'loginUrl':
      case 'metadataUrl':
        return { missing: 'see Single sign-on below' };
    }
  };

  const authMethod = fresh?.authMethod ?? status.authMethod;
  const showSetup = guide.scim.supported || status.enabled || anyway;
  const otherIdp =
    status.enabled && status.idp && status.idp !== guide.id ? guideFor(status.idp) : undefined;

  return (
    <section class="card connect-section" aria-labelledby="scim-heading">
      <h2 id="scim-heading">Provisioning (SCIM)</h2>
      {!guide.scim.supported ? (
        <div class="notice">
          <p>
            <strong>{guide.name} does not provision users over SCIM.</strong> {guide.scim.note}
          </p>
          {!status.enabled && !anyway ? (
            <button type="button" class="secondary" onClick={() => setAnyway(true)}>
              Turn SCIM on anyway, for a provisioning tool of my own
            </button>
          ) : null}
        </div>
      ) : null}
      {showSetup ? (
        <>
          <ScimState status={status} />
          {otherIdp ? (
            <p class="hint">
              SCIM was turned on for {otherIdp.name}. To switch, turn it off and on again for{' '}
              {guide.name}; the base URL stays the same.
            </p>
          ) : null}
          {fresh ? <FreshCredentials credentials={fresh} onDone={() => setFresh(null)} /> : null}
          {!status.enabled ? (
            <EnableScim guide={guide} onIssued={issued} />
          ) : (
            <>
              {guide.scim.steps.length > 0 ? (
                <>
                  <h3>What to enter in {guide.name}</h3>
                  <GuideSteps steps={guide.scim.steps} resolve={resolve} authMethod={authMethod} />
                  <p class="hint">{guide.scim.test}</p>
                </>
              ) : null}
              <h3>The license pool: licensePoolName</h3>
              {guide.scim.licensePool.length > 0 ? (
                <GuideSteps
                  steps={guide.scim.licensePool}
                  resolve={resolve}
                  authMethod={authMethod}
                />
              ) : null}
              <Credentials status={status} />
              <RotateScim status={status} onIssued={issued} onChanged={onChanged} />
              <DisableScim
                onDisabled={async () => {
                  setFresh(null);
                  await onChanged('SCIM is off: every SCIM request is now refused.');
                }}
              />
            </>
          )}
        </>
      ) : null}
    </section>
  );
}

function ScimState({ status }: { status: ScimStatus }) {
  if (!status.enabled) {
    return <p>SCIM is off. The base URL will be {status.baseUrl}.</p>;
  }
  const idp = guideFor(status.idp)?.name ?? 'the IdP';
  return (
    <p>
      SCIM is <strong>on</strong> for {idp}, with{' '}
      {status.authMethod === 'basic' ? 'HTTP Basic' : 'a bearer token'}, since{' '}
      {formatDateTime(status.createdAt)}. The credentials expire on{' '}
      {formatDateTime(status.expiresAt)}
      {status.expired
        ? ' (expired: rotate them)'
        : status.expiringSoon
          ? ' (soon: rotate them)'
          : ''}
      .
    </p>
  );
}

function EnableScim({
  guide,
  onIssued,
}: {
  guide: IdpGuide;
  onIssued: (credentials: ScimCredentials, what: string) => Promise<void>;
}) {
  const [method, setMethod] = useState<AuthMethod>(guide.scim.authMethods[0] ?? 'bearer');
  const { error, busy, run } = useAction();
  const methods = guide.scim.authMethods;
  const chosen = methods.includes(method) ? method : (methods[0] ?? 'bearer');
  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const credentials = await api<ScimCredentials>('/api/v1/scim/integration', {
        method: 'POST',
        body: { idp: guide.id, authMethod: chosen },
      });
      await onIssued(credentials, `SCIM is on for ${guide.name}. Copy the credentials now.`);
    });
  };
  return (
    <form class="connect-form" aria-labelledby="enable-scim-heading" onSubmit={submit} noValidate>
      <h3 id="enable-scim-heading">Turn SCIM on for {guide.name}</h3>
      {methods.length > 1 ? (
        <fieldset>
          <legend>How {guide.name} authenticates</legend>
          {methods.map((m) => (
            <label key={m} class="choice">
              <input
                type="radio"
                name="scim-auth"
                value={m}
                checked={chosen === m}
                onChange={() => setMethod(m)}
              />
              {AUTH_LABELS[m]}
            </label>
          ))}
        </fieldset>
      ) : (
        <p class="hint">{guide.name} authenticates with a bearer token.</p>
      )}
      <p class="hint">
        SCIM needs the enterprise plan. The credentials are shown once, right after this, and expire
        after two years.
      </p>
      <FormError error={error} />
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          Turn SCIM on
        </button>
      </div>
    </form>
  );
}

function FreshCredentials({
  credentials,
  onDone,
}: {
  credentials: ScimCredentials;
  onDone: () => void;
}) {
  return (
    <div class="fresh-credentials" role="group" aria-labelledby="fresh-heading">
      <h3 id="fresh-heading">Your new SCIM credentials</h3>
      <p class="warning">
        <strong>Copy them now: you will not see them again.</strong> Rollcall keeps only a hash. If
        you lose them, rotate the credentials for new ones.
      </p>
      <dl class="fields">
        <div class="field-row">
          <dt>SCIM base URL</dt>
          <dd>
            <CopyValue label="SCIM base URL" value={credentials.baseUrl} />
          </dd>
        </div>
        {credentials.token ? (
          <div class="field-row">
            <dt>Token</dt>
            <dd>
              <CopyValue label="Token" value={credentials.token} secret />
            </dd>
          </div>
        ) : null}
        {credentials.username ? (
          <div class="field-row">
            <dt>Username</dt>
            <dd>
              <CopyValue label="Username" value={credentials.username} />
            </dd>
          </div>
        ) : null}
        {credentials.password ? (
          <div class="field-row">
            <dt>Password</dt>
            <dd>
              <CopyValue label="Password" value={credentials.password} secret />
            </dd>
          </div>
        ) : null}
      </dl>
      <p class="hint">They expire on {formatDateTime(credentials.expiresAt)}.</p>
      <div class="form-actions">
        <button type="button" class="secondary" onClick={onDone}>
          I have stored them: hide
        </button>
      </div>
    </div>
  );
}

function Credentials({ status }: { status: ScimStatus }) {
  return (
    <>
      <h3>Credentials that work now</h3>
      <table class="list credentials">
        <thead>
          <tr>
            <th scope="col">Credentials</th>
            <th scope="col">Issued</th>
            <th scope="col">Last used</th>
            <th scope="col">Stop working</th>
          </tr>
        </thead>
        <tbody>
          {status.credentials.map((c) => (
            <tr key={`${c.role}-${c.createdAt}`}>
              <td data-label="Credentials">
                <strong>{c.role === 'current' ? 'Current' : 'Previous (overlap)'}</strong>
                <span class="secondary-text">
                  {c.tokenPrefix
                    ? `Token ${c.tokenPrefix}…`
                    : c.username
                      ? `Username ${c.username}`
                      : ''}
                </span>
              </td>
              <td data-label="Issued">{formatDateTime(c.createdAt)}</td>
              <td data-label="Last used">{formatDateTime(c.lastUsedAt)}</td>
              <td data-label="Stop working">
                {c.graceEndsAt
                  ? `${formatDateTime(c.graceEndsAt)} (${fromNow(c.graceEndsAt)})`
                  : `${formatDateTime(c.expiresAt)} (end of their lifetime)`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function RotateScim({
  status,
  onIssued,
  onChanged,
}: {
  status: ScimStatus;
  onIssued: (credentials: ScimCredentials, what: string) => Promise<void>;
  onChanged: (what: string) => Promise<void>;
}) {
  const [hours, setHours] = useState('24');
  const rotate = useAction();
  const end = useAction();
  const previous = status.credentials.find((c) => c.role === 'previous');

  const submit = (event: Event) => {
    event.preventDefault();
    const value = Number(hours);
    if (hours.trim() === '' || !Number.isFinite(value) || value < 0 || value > 720) {
      rotate.setError('The overlap is a number of hours from 0 to 720.');
      return;
    }
    void rotate.run(async () => {
      const credentials = await api<ScimCredentials>('/api/v1/scim/integration/rotate', {
        method: 'POST',
        body: { gracePeriodHours: value },
      });
      await onIssued(
        credentials,
        value > 0
          ? `New credentials issued; the previous ones keep working for ${value} hours.`
          : 'New credentials issued; the previous ones stopped working.',
      );
    });
  };

  return (
    <>
      <form class="connect-form" aria-labelledby="rotate-heading" onSubmit={submit} noValidate>
        <h3 id="rotate-heading">Rotate the credentials</h3>
        <p>
          Rotating issues new credentials, shown once. The current ones keep working for the overlap
          you choose, so you can enter the new ones in the IdP without a gap; then only the new ones
          work. At most two credentials work at a time.
        </p>
        <div class="field narrow">
          <label for="grace-hours">Overlap (hours the current credentials keep working)</label>
          <input
            id="grace-hours"
            type="number"
            inputMode="decimal"
            min={0}
            max={720}
            step="any"
            value={hours}
            aria-describedby="grace-hours-hint"
            onInput={(event) => setHours(event.currentTarget.value)}
          />
          <p class="hint" id="grace-hours-hint">
            0 to 720 (30 days); 0 stops them at once.
          </p>
        </div>
        <FormError error={rotate.error} />
        <div class="form-actions">
          <button type="submit" disabled={rotate.busy}>
            Rotate credentials
          </button>
        </div>
      </form>
      {previous ? (
        <div class="connect-form" role="group" aria-labelledby="end-overlap-heading">
          <h3 id="end-overlap-heading">End the overlap</h3>
          <p>
            The previous credentials work until {formatDateTime(previous.graceEndsAt)}
            {previous.lastUsedAt
              ? `; last used ${formatDateTime(previous.lastUsedAt)}`
              : '; never used since'}
            . Once the IdP uses the new ones, stop the previous ones now.
          </p>
          <FormError error={end.error} />
          <div class="form-actions">
            <button
              type="button"
              class="danger"
              disabled={end.busy}
              onClick={() =>
                void end.run(async () => {
                  await api('/api/v1/scim/integration/previous-credentials', { method: 'DELETE' });
                  await onChanged('The previous credentials no longer work.');
                })
              }
            >
              Stop the previous credentials now
            </button>
          </div>
        </div>
      ) : null}
    </>
  );
}

function DisableScim({ onDisabled }: { onDisabled: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const { error, busy, run } = useAction();
  return (
    <div class="connect-form" role="group" aria-labelledby="disable-heading">
      <h3 id="disable-heading">Turn SCIM off</h3>
      {!confirming ? (
        <div class="form-actions">
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Turn SCIM off…
          </button>
        </div>
      ) : (
        <>
          <p>
            Turn SCIM off? Every SCIM request is refused from then on, with the current and the
            previous credentials alike. Users keep their status, and the users and groups the IdP
            managed become editable by hand.
          </p>
          <FormError error={error} />
          <div class="form-actions">
            <button
              type="button"
              class="danger"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await api('/api/v1/scim/integration', { method: 'DELETE' });
                  setConfirming(false);
                  await onDisabled();
                })
              }
            >
              Yes, turn SCIM off
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </>
      )}
    </div>
  );
}
