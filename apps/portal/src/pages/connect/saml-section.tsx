import { useState } from 'preact/hooks';
import { useAction } from '../../action';
import { api } from '../../api';
import { FormError } from '../../form-error';
import { formatDateTime } from '../../format';
import { CopyValue } from './copy-value';
import { GuideSteps, type Resolve } from './guide-steps';
import { type IdpGuide, POOL_RULES_TEXT } from './idp-guides';
import { type AttributeNames, DEFAULT_ATTRIBUTE_NAMES, type SamlStatus } from './types';

interface SamlSectionProps {
  guide: IdpGuide;
  status: SamlStatus;
  onChanged: (what: string) => Promise<void>;
}

/** Single sign-on: Rollcall's values for the IdP, the attribute mapping, the IdP's metadata. */
export function SamlSection({ guide, status, onChanged }: SamlSectionProps) {
  const sp = status.serviceProvider;
  const resolve: Resolve = (ref) => {
    switch (ref) {
      case 'acsUrl':
        return { value: sp.acsUrl };
      case 'entityId':
        return { value: sp.entityId };
      case 'metadataUrl':
        return { value: sp.metadataUrl };
      case 'loginUrl':
        return { value: sp.loginUrl };
      case 'baseUrl':
      case 'token':
      case 'username':
      case 'password':
        return { missing: 'see Provisioning above' };
    }
  };
  const names = status.attributeNames ?? DEFAULT_ATTRIBUTE_NAMES;
  const rollcallName = (attribute: string) =>
    attribute in names ? names[attribute as keyof AttributeNames] : attribute;

  return (
    <section class="card connect-section" aria-labelledby="saml-heading">
      <h2 id="saml-heading">Single sign-on (SAML)</h2>
      <SamlState status={status} />
      <h3>Rollcall’s values</h3>
      <dl class="fields">
        <div class="field-row">
          <dt>ACS URL (HTTP-POST)</dt>
          <dd>
            <CopyValue label="ACS URL" value={sp.acsUrl} />
          </dd>
        </div>
        <div class="field-row">
          <dt>SP entity id</dt>
          <dd>
            <CopyValue label="SP entity id" value={sp.entityId} />
          </dd>
        </div>
        <div class="field-row">
          <dt>SP metadata URL</dt>
          <dd>
            <CopyValue label="SP metadata URL" value={sp.metadataUrl} />
          </dd>
        </div>
        <div class="field-row">
          <dt>Sign-on URL (SP-initiated start)</dt>
          <dd>
            <CopyValue label="Sign-on URL" value={sp.loginUrl} />
          </dd>
        </div>
      </dl>
      <h3>What to enter in {guide.name}</h3>
      <GuideSteps steps={guide.saml.steps} resolve={resolve} />
      <h3 id="mapping-heading">Attribute mapping</h3>
      <table class="list mapping" aria-labelledby="mapping-heading">
        <thead>
          <tr>
            <th scope="col">{guide.name}</th>
            <th scope="col">Attribute name in the assertion</th>
          </tr>
        </thead>
        <tbody>
          {guide.saml.attributes.map((row) => (
            <tr key={row.rollcall}>
              <td data-label={guide.name}>{row.idp}</td>
              <td data-label="Attribute name in the assertion">
                <code>{rollcallName(row.rollcall)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">
        licensePoolName chooses each person’s license pool at sign-in. {POOL_RULES_TEXT}
      </p>
      <ConfigureSaml guide={guide} status={status} onChanged={onChanged} />
    </section>
  );
}

function SamlState({ status }: { status: SamlStatus }) {
  if (!status.configured) {
    return <p>SAML is not set up yet: send the IdP’s metadata below.</p>;
  }
  return (
    <div>
      <p>
        SAML is <strong>set up</strong> with the IdP {status.idpEntityId}, signing in at{' '}
        {status.idpSsoUrl}. Last changed {formatDateTime(status.updatedAt)}.
      </p>
      {status.idpCertificates.length > 0 ? (
        <ul class="certificates">
          {status.idpCertificates.map((c) => (
            <li key={c.fingerprintSha256}>
              Certificate {c.subject}, valid until {formatDateTime(c.validTo)}
            </li>
          ))}
        </ul>
      ) : null}
      {status.idpMetadata ? (
        <p class={status.idpMetadata.status === 'failing' ? 'error' : 'hint'}>
          Metadata fetched from {status.idpMetadata.url}
          {status.idpMetadata.status === 'failing'
            ? `; the last fetch failed: ${status.idpMetadata.lastError ?? 'unknown error'}. The certificates from the last success stay in use.`
            : `; last refreshed ${formatDateTime(status.idpMetadata.lastRefreshedAt)}.`}
        </p>
      ) : null}
    </div>
  );
}

type Source = 'paste' | 'upload' | 'url' | 'fields';

const SOURCES: { id: Source; label: string }[] = [
  { id: 'paste', label: 'Paste the metadata XML' },
  { id: 'upload', label: 'Upload the metadata file' },
  { id: 'url', label: 'Give the metadata URL (Rollcall fetches it every 6 hours)' },
  { id: 'fields', label: 'Enter the entity id, sign-on URL and certificate' },
];

const RENAMABLE: { key: keyof AttributeNames; label: string }[] = [
  { key: 'email', label: 'Email attribute' },
  { key: 'firstName', label: 'First name attribute' },
  { key: 'lastName', label: 'Last name attribute' },
  { key: 'licensePoolName', label: 'License pool attribute' },
];

function ConfigureSaml({ guide, status, onChanged }: SamlSectionProps) {
  const [source, setSource] = useState<Source>('paste');
  const [xml, setXml] = useState('');
  const [fileName, setFileName] = useState('');
  const [url, setUrl] = useState(status.idpMetadata?.url ?? '');
  const [entityId, setEntityId] = useState(status.idpEntityId ?? '');
  const [ssoUrl, setSsoUrl] = useState(status.idpSsoUrl ?? '');
  const [certificate, setCertificate] = useState('');
  const [names, setNames] = useState<AttributeNames>(
    status.attributeNames ?? DEFAULT_ATTRIBUTE_NAMES,
  );
  const { error, setError, busy, run } = useAction();

  const readFile = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setXml(await file.text());
  };

  const submit = (event: Event) => {
    event.preventDefault();
    let idp: Record<string, string>;
    if (source === 'paste' || source === 'upload') {
      if (xml.trim() === '') {
        setError(
          source === 'paste'
            ? 'Paste the IdP’s metadata XML first.'
            : 'Choose the metadata file first.',
        );
        return;
      }
      idp = { idpMetadataXml: xml };
    } else if (source === 'url') {
      if (!/^https?:\/\/\S+$/.test(url.trim())) {
        setError('The metadata URL starts with https:// (or http://).');
        return;
      }
      idp = { idpMetadataUrl: url.trim() };
    } else {
      if (entityId.trim() === '' || ssoUrl.trim() === '' || certificate.trim() === '') {
        setError('Enter the IdP’s entity id, its sign-on URL and its signing certificate.');
        return;
      }
      idp = {
        idpEntityId: entityId.trim(),
        idpSsoUrl: ssoUrl.trim(),
        idpCertificate: certificate.trim(),
      };
    }
    const blank = RENAMABLE.find(({ key }) => names[key].trim() === '');
    if (blank) {
      setError(`The ${blank.label.toLowerCase()} needs a name.`);
      return;
    }
    void run(async () => {
      const saved = await api<SamlStatus>('/api/v1/sso/saml', {
        method: 'PUT',
        body: { ...idp, attributeNames: names },
      });
      setXml('');
      setFileName('');
      setCertificate('');
      await onChanged(`SAML is set up with the IdP ${saved.idpEntityId ?? ''}.`.replace(' .', '.'));
    });
  };

  return (
    <form class="connect-form" aria-labelledby="idp-metadata-heading" onSubmit={submit} noValidate>
      <h3 id="idp-metadata-heading">Send {guide.name}’s details to Rollcall</h3>
      <p class="hint">{guide.saml.metadata} Saving replaces the current SAML settings.</p>
      <fieldset>
        <legend>How</legend>
        {SOURCES.map((s) => (
          <label key={s.id} class="choice">
            <input
              type="radio"
              name="saml-source"
              value={s.id}
              checked={source === s.id}
              onChange={() => {
                setSource(s.id);
                setError(null);
              }}
            />
            {s.label}
          </label>
        ))}
      </fieldset>
      {source === 'paste' ? (
        <div class="field">
          <label for="idp-metadata-xml">IdP metadata XML</label>
          <textarea
            id="idp-metadata-xml"
            rows={8}
            value={xml}
            spellcheck={false}
            onInput={(event) => setXml(event.currentTarget.value)}
          />
        </div>
      ) : source === 'upload' ? (
        <div class="field">
          <label for="idp-metadata-file">IdP metadata file</label>
          <input
            id="idp-metadata-file"
            type="file"
            accept=".xml,application/xml,text/xml,application/samlmetadata+xml"
            aria-describedby="idp-metadata-file-hint"
            onChange={(event) => void readFile(event.currentTarget)}
          />
          <p class="hint" id="idp-metadata-file-hint">
            {fileName ? `Read ${fileName}.` : 'An XML file, as the IdP lets you download it.'}
          </p>
        </div>
      ) : source === 'url' ? (
        <div class="field">
          <label for="idp-metadata-url">IdP metadata URL</label>
          <input
            id="idp-metadata-url"
            type="url"
            value={url}
            aria-describedby="idp-metadata-url-hint"
            onInput={(event) => setUrl(event.currentTarget.value)}
          />
          <p class="hint" id="idp-metadata-url-hint">
            It must answer without a sign-in, from a public address. New IdP certificates are taken
            in by themselves.
          </p>
        </div>
      ) : (
        <>
          <div class="field">
            <label for="idp-entity-id">IdP entity id (Issuer)</label>
            <input
              id="idp-entity-id"
              value={entityId}
              onInput={(e) => setEntityId(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="idp-sso-url">IdP sign-on URL (HTTP-Redirect)</label>
            <input
              id="idp-sso-url"
              type="url"
              value={ssoUrl}
              onInput={(e) => setSsoUrl(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="idp-certificate">IdP signing certificate (PEM)</label>
            <textarea
              id="idp-certificate"
              rows={6}
              value={certificate}
              spellcheck={false}
              aria-describedby="idp-certificate-hint"
              onInput={(e) => setCertificate(e.currentTarget.value)}
            />
            <p class="hint" id="idp-certificate-hint">
              Several certificates one after the other are all trusted, for a rollover.
            </p>
          </div>
        </>
      )}
      <details class="attribute-names">
        <summary>Attribute names, if {guide.name} sends others</summary>
        {RENAMABLE.map(({ key, label }) => (
          <div class="field" key={key}>
            <label for={`attribute-${key}`}>{label}</label>
            <input
              id={`attribute-${key}`}
              value={names[key]}
              onInput={(event) => setNames({ ...names, [key]: event.currentTarget.value })}
            />
          </div>
        ))}
      </details>
      <FormError error={error} />
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          Save SAML settings
        </button>
      </div>
    </form>
  );
}
