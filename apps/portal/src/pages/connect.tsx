import { useState } from 'preact/hooks';

import { api, type SessionView } from '../api';
import { usePageData } from '../page-data';
import { usePageTitle } from '../page-title';
import { guideFor, IDP_GUIDES, type IdpId } from './connect/idp-guides';
import { SamlSection } from './connect/saml-section';
import { ScimSection } from './connect/scim-section';
import { TestSection } from './connect/test-section';
import type { SamlStatus, ScimStatus } from './connect/types';
import './connect.css';

/**
 * Connect your identity provider (admin only): choose the IdP, then its steps in its own words for
 * SCIM provisioning (credentials shown once, rotation with an overlap, off) and SAML sign-in
 * (Rollcall's values, the attribute mapping, the IdP's metadata), and a connection test.
 */
export function ConnectPage({ session }: { session: SessionView }) {
  const heading = usePageTitle('Connect your identity provider');
  const [chosen, setChosen] = useState<IdpId | null>(null);
  const { load, announcement, setAnnouncement, changed } = usePageData(async () => {
    const [scim, saml] = await Promise.all([
      api<ScimStatus>('/api/v1/scim/integration'),
      api<SamlStatus>('/api/v1/sso/saml'),
    ]);
    // SCIM on for an IdP: that IdP's guide, unless the admin chose another.
    setChosen((current) => current ?? (scim.enabled ? scim.idp : null));
    return { scim, saml };
  });

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
              <ScimSection guide={guide} status={load.data.scim} onChanged={changed} />
              <SamlSection
                key={`${guide.id}-${load.data.saml.updatedAt ?? ''}`}
                guide={guide}
                status={load.data.saml}
                onChanged={changed}
              />
              <TestSection guide={guide} scim={load.data.scim} saml={load.data.saml} />
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
