import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import {
  assertionXml,
  base64,
  IDP_ENTITY_ID,
  IDP_KEY,
  IDP_SSO_URL,
  responseXml,
  signElement,
} from '../../test/support/saml';
import type { BenchTenant } from '../lib/fixtures';
import type { LoadResult } from '../lib/load';
import type { BenchOptions } from '../lib/options';
import { userName } from '../lib/payloads';
import type { Scenario } from './types';

/** Returning people who sign in again and again (seated at their first sign-in, in the warm-up). */
const PEOPLE = 500;
/** Responses are signed before the run so the client's RSA work does not compete with the server. */
const SIGNED_PER_SECOND = 300;
const MAX_PRESIGNED = 12_000;

interface ServiceProvider {
  entityId: string;
  acsUrl: string;
}

/** What the IdP would post for person `n`: a fresh assertion (its id is single-use), signed. */
function signedResponse(sp: ServiceProvider, domain: string, n: number): string {
  const email = userName(domain, n);
  const assertion = assertionXml({ sp, email, notOnOrAfter: new Date(Date.now() + 30 * 60_000) });
  const signed = signElement(assertion.xml, assertion.id, IDP_KEY);
  return base64(responseXml(signed, { sp }).xml);
}

const connections = new Map<string, Promise<ServiceProvider>>();

/** Turns the tenant's SAML on (once per run) with the bench IdP's certificate; Rollcall's SP URLs. */
function connect(baseUrl: string, tenant: BenchTenant): Promise<ServiceProvider> {
  const key = `${baseUrl} ${tenant.slug}`;
  let connection = connections.get(key);
  if (!connection) {
    connection = configure(baseUrl, tenant);
    connections.set(key, connection);
  }
  return connection;
}

async function configure(baseUrl: string, tenant: BenchTenant): Promise<ServiceProvider> {
  const response = await fetch(`${baseUrl}/api/v1/sso/saml`, {
    method: 'PUT',
    headers: { authorization: tenant.adminAuth, 'content-type': 'application/json' },
    body: JSON.stringify({
      idpEntityId: IDP_ENTITY_ID,
      idpSsoUrl: IDP_SSO_URL,
      idpCertificate: IDP_KEY.cert,
    }),
  });
  if (!response.ok) {
    throw new Error(`configuring SAML answered ${response.status}: ${await response.text()}`);
  }
  const body = (await response.json()) as { serviceProvider: ServiceProvider };
  return body.serviceProvider;
}

/**
 * Everyone signs in once before the measurement (their first sign-in takes a seat under the
 * organization's pool lock), so that the measured sign-ins are the everyday kind.
 */
async function signInOnce(
  baseUrl: string,
  tenant: BenchTenant,
  sp: ServiceProvider,
  first: number,
): Promise<void> {
  const queue = Array.from({ length: PEOPLE }, (_, i) => first + i);
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const response = await fetch(`${baseUrl}/sso/saml/${tenant.slug}/acs`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ SAMLResponse: signedResponse(sp, tenant.domain, n) }),
      });
      if (response.status !== 303) {
        throw new Error(`a first sign-in answered ${response.status}: ${await response.text()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

function presignedCount(options: BenchOptions): number {
  const seconds = options.warmup + options.duration * options.rounds;
  return Math.min(MAX_PRESIGNED, Math.ceil(seconds * SIGNED_PER_SECOND));
}

/**
 * POST /sso/saml/{orgSlug}/acs, the IdP-initiated HTTP-POST binding, for 500 people of the large
 * tenant in turn, each already signed in once: signature and conditions checked, the assertion id
 * written to the replay cache, the person found among 1M users, the pool policy run, a session
 * opened; success is the 303.
 */
export const samlAcs: Scenario = {
  id: 'saml-acs',
  title: 'SAML ACS sign-in (returning people)',
  tenant: 'large',
  prepare: async ({ baseUrl, tenants, options }) => {
    const t = tenants.large;
    const sp = await connect(baseUrl, t);
    const first = Math.max(1, t.users - PEOPLE + 1);
    await signInOnce(baseUrl, t, sp, first);
    const responses = Array.from({ length: presignedCount(options) }, (_, i) =>
      signedResponse(sp, t.domain, first + (i % PEOPLE)),
    );
    let n = 0;
    return {
      kind: 'http',
      auth: '',
      okStatuses: [303],
      next: () => {
        const index = n++;
        // Past the presigned ones (a long run), sign on the fly.
        const samlResponse =
          responses[index] ?? signedResponse(sp, t.domain, first + (index % PEOPLE));
        return {
          method: 'POST',
          path: `/sso/saml/${t.slug}/acs`,
          form: { SAMLResponse: samlResponse, RelayState: '/home' },
        };
      },
    };
  },
};

/**
 * The same kind of signed response validated by @node-saml/node-saml alone, in this process, one
 * after another: the library's ceiling on one core, next to the ACS's rate.
 */
export const samlLibrary: Scenario = {
  id: 'saml-library',
  title: 'SAML response validation, node-saml alone (in-process, 1 core)',
  tenant: 'large',
  prepare: async ({ baseUrl, tenants }) => {
    const t = tenants.large;
    const sp = await connect(baseUrl, t);
    const response = signedResponse(sp, t.domain, t.users);
    const saml = new SAML({
      issuer: sp.entityId,
      audience: sp.entityId,
      callbackUrl: sp.acsUrl,
      idpIssuer: IDP_ENTITY_ID,
      idpCert: IDP_KEY.cert,
      wantAuthnResponseSigned: false,
      wantAssertionsSigned: false,
      validateInResponseTo: ValidateInResponseTo.never,
      acceptedClockSkewMs: 60_000,
    });
    return {
      kind: 'custom',
      connections: 1,
      run: async (_connections: number, seconds: number): Promise<LoadResult> => {
        const latencies: number[] = [];
        let errors = 0;
        const errorSamples: string[] = [];
        const started = Date.now();
        while (Date.now() - started < seconds * 1000) {
          const t0 = process.hrtime.bigint();
          try {
            await saml.validatePostResponseAsync({ SAMLResponse: response });
          } catch (error) {
            errors++;
            if (errorSamples.length < 5) errorSamples.push((error as Error).message);
          }
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
        return {
          requests: latencies.length,
          seconds: (Date.now() - started) / 1000,
          latencies,
          errors,
          statuses: {},
          errorSamples,
        };
      },
    };
  },
};
