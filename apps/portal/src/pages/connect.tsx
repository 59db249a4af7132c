import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../action';
import { api, type SessionView } from '../api';
import { usePageTitle } from '../page-title';
import { guideFor, IDP_GUIDES, type IdpId } from './connect/idp-guides';
import { SamlSection } from './connect/saml-section';
import { ScimSection } from './connect/scim-section';
import { TestSection } from './connect/test-section';
import type { SamlStatus, ScimStatus } from './connect/types';
import './connect.css';

type Load =
  | { kind: 'loading' }
  | { kind: 'loaded'; scim: ScimStatus; saml: SamlStatus }
  | { kind: 'failed'; message: string };

/**
 * Connect your identity provider (admin only): choose the IdP, then its steps in its own words for
 * SCIM provisioning (credentials shown once, rotation with an overlap, off) and SAML sign-in
 * (Rollcall's values, the attribute mapping, the IdP's metadata), and a connection test.
 */
export function ConnectPage({ session }: { session: SessionView }) {
  const heading = usePageTitle('Connect your identity provider');
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [chosen, setChosen] = useState<IdpId | null>(null);
  const [announcement, setAnnouncement] = useState('');

  const reload = async () => {
    try {
      const [scim, saml] = await Promise.all([
        api<ScimStatus>('/api/v1/scim/integration'),
        api<SamlStatus>('/api/v1/sso/saml'),
      ]);
      setLoad({ kind: 'loaded', scim, saml });
      // SCIM on for an IdP: that IdP's guide, unless the admin chose another.
      setChosen((current) => current ?? (scim.enabled ? scim.idp : null));
    } catch (caught) {
      setLoad({ kind: 'failed', message: messageOf(caught) });
    }
  };
  useEffect(() => {
    void reload();
  }, []);
  const changed = async (what: string) => {
    setAnnouncement(what);
    await reload();
  };

  const guide = guideFor(chosen);
  return (
    <section class="connect" aria-labelledby="connect-heading">
      <h1 id="connect-heading" ref={heading} tabIndex={-1}>
        Connect your identity provider
      </h1>
      <p class="intro">
        Connect {session.organization.name}’s identity provider: SCIM provisioning creates, updates
        and deactivates people in Rollcall, and SAML signs them in. Choose the IdP, then follow its
        steps, with each field named as its console names it.
      </p>
      <p role="status" class="notice" hidden={announcement === ''}>
        {announcement}
      </p>
      {load.kind === 'loading' ? (
        <p role="status" class="loading">
          Loading the connection…
        </p>
      ) : load.kind === 'failed' ? (
        <p role="alert" class="error">
          {load.message}
        </p>
      ) : (
        <>
          <fieldset class="card idp-choice">
            <legend>Your identity provider</legend>
            <div class="idp-options">
              {IDP_GUIDES.map((g) => (
                <label key={g.id} class="choice idp-option">
                  <input
                    type="radio"
                    name="idp"
                    value={g.id}
                    checked={chosen === g.id}
                    onChange={() => {
                      setChosen(g.id);
                      setAnnouncement('');
                    }}
                  />
                  {g.name}
                </label>
              ))}
            </div>
          </fieldset>
          {guide ? (
            <>
              <ScimSection guide={guide} status={load.scim} onChanged={changed} />
              <SamlSection
                key={`${guide.id}-${load.saml.updatedAt ?? ''}`}
                guide={guide}
                status={load.saml}
                onChanged={changed}
              />
              <TestSection guide={guide} scim={load.scim} saml={load.saml} />
              <p class="hint">The full guide: {guide.doc} in Rollcall’s documentation.</p>
            </>
          ) : (
            <p class="hint">Choose your identity provider to see its steps.</p>
          )}
        </>
      )}
    </section>
  );
}
