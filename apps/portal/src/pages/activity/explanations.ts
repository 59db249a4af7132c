import type { ScimLogEntry, SignInEntry } from './types';

/**
 * What a failed SCIM request or a refused sign-in means, in plain words, and what to do about it.
 * The causes and fixes come from the docs (each names its section in `source`); where the fix is
 * made in the portal, `link` points at that page.
 */
export interface Explanation {
  /** A short name for what went wrong. */
  title: string;
  /** Why it happened. */
  cause: string;
  /** What to do. */
  fix: string;
  /** The doc section the explanation comes from, e.g. "docs/saml.md › When a sign-in is refused". */
  source: string;
  /** Where in the portal the fix is made. */
  link?: { href: string; label: string };
}

const SAML_REFUSED = 'docs/saml.md › When a sign-in is refused';
const SAML_STEPS = 'docs/saml.md › What a sign-in does';
const SCIM_ERRORS = 'docs/scim.md › Errors';

const CONNECT = { href: '/connect', label: 'Check the IdP settings on Connect IdP' };
const POOLS = { href: '/pools', label: 'Open License pools' };

/** Sign-in refusals and rejections, keyed by the `reason` GET /api/v1/sso/sign-ins answers. */
export const SIGN_IN_EXPLANATIONS: Record<string, Explanation> = {
  unknown_pool: {
    title: 'Unknown license pool',
    cause:
      'The identity provider sent a licensePoolName that matches none of the organization’s license pools, so the sign-in was refused and nothing changed.',
    fix: 'Create a pool with that name, or correct the value the identity provider sends for licensePoolName (and the attribute mapping).',
    source: `${SAML_REFUSED}; ${SAML_STEPS} (step 3, pool and seat)`,
    link: POOLS,
  },
  pool_full: {
    title: 'License pool full',
    cause:
      'The person’s first sign-in needs a seat, and every seat of the license pool is taken, so the sign-in was refused and nothing changed.',
    fix: 'Give the pool more seats, free a seat by deactivating someone who no longer needs it, or send the person to another pool.',
    source: `${SAML_REFUSED}; ${SAML_STEPS} (step 3, pool and seat)`,
    link: POOLS,
  },
  account_deactivated: {
    title: 'Account deactivated',
    cause: 'The person’s account is deactivated (or anonymized), and such people are refused.',
    fix: 'If the person should have access again, reactivate the account (or assign the application again in the identity provider when SCIM manages it).',
    source: SAML_REFUSED,
  },
  unknown_user: {
    title: 'No account yet',
    cause:
      'No user has this email address. With SCIM on, only people the identity provider has provisioned may sign in; with SCIM off, accounts are created at sign-in only when just-in-time provisioning is on.',
    fix: 'Assign the Rollcall application to the person in the identity provider (SCIM on), or turn on just-in-time provisioning (SCIM off).',
    source: `${SAML_REFUSED}; ${SAML_STEPS} (step 2, who)`,
    link: CONNECT,
  },
  invalid_signature: {
    title: 'Invalid signature',
    cause:
      'The SAML response was not signed by any of the IdP certificates Rollcall has, or its signature does not match its content.',
    fix: 'Upload the identity provider’s current signing certificate (or refresh its metadata), and make sure the IdP signs the response or the assertion.',
    source: SAML_REFUSED,
    link: CONNECT,
  },
  wrong_audience: {
    title: 'Wrong audience',
    cause: 'The assertion is meant for another service: its audience is not Rollcall’s entity id.',
    fix: 'Enter Rollcall’s entity id (from Connect IdP) as the audience / SP entity id in the identity provider.',
    source: SAML_REFUSED,
    link: CONNECT,
  },
  wrong_issuer: {
    title: 'Wrong issuer',
    cause: 'The assertion was issued by an identity provider other than the one configured.',
    fix: 'Set the IdP entity id on Connect IdP to the identity provider’s issuer (or re-import its metadata).',
    source: SAML_REFUSED,
    link: CONNECT,
  },
  wrong_recipient: {
    title: 'Wrong recipient',
    cause: 'The assertion is addressed to another ACS URL than this organization’s.',
    fix: 'Enter this organization’s ACS URL (from Connect IdP) in the identity provider.',
    source: SAML_REFUSED,
    link: CONNECT,
  },
  wrong_destination: {
    title: 'Wrong destination',
    cause: 'The response’s Destination is not this organization’s ACS URL.',
    fix: 'Enter this organization’s ACS URL (from Connect IdP) in the identity provider.',
    source: SAML_REFUSED,
    link: CONNECT,
  },
  expired: {
    title: 'Assertion expired',
    cause:
      'The assertion’s validity window had ended when it arrived (60 seconds of clock skew are allowed).',
    fix: 'Check the identity provider’s clock and try again; a sign-in page left open too long also causes this.',
    source: SAML_REFUSED,
  },
  not_yet_valid: {
    title: 'Assertion not yet valid',
    cause:
      'The assertion’s validity starts in the future: the clocks disagree by more than 60 seconds.',
    fix: 'Check the identity provider’s clock (and this server’s) and try again.',
    source: SAML_REFUSED,
  },
  too_old: {
    title: 'Response too old',
    cause:
      'The response was issued longer ago than the connection’s maxAssertionAgeSeconds allows.',
    fix: 'Try again; if it keeps happening, check the clocks or raise the maximum assertion age.',
    source: SAML_REFUSED,
    link: CONNECT,
  },
  authentication_too_old: {
    title: 'Authentication too old',
    cause: 'The person authenticated at the identity provider too long before this sign-in.',
    fix: 'Ask the person to sign in at the identity provider again.',
    source: SAML_REFUSED,
  },
  not_encrypted: {
    title: 'Assertion not encrypted',
    cause:
      'This organization requires encrypted assertions and the identity provider sent a plain one.',
    fix: 'Turn on assertion encryption in the identity provider with Rollcall’s encryption certificate (SP metadata), or stop requiring it.',
    source: SAML_REFUSED,
    link: CONNECT,
  },
  decryption_failed: {
    title: 'Could not decrypt',
    cause: 'The encrypted assertion was not encrypted to one of Rollcall’s current keys.',
    fix: 'Re-import Rollcall’s SP metadata into the identity provider so it encrypts to the current certificate.',
    source: SAML_REFUSED,
    link: CONNECT,
  },
  unknown_request: {
    title: 'Unknown sign-in request',
    cause:
      'The response answers a sign-in request Rollcall did not send in the last 30 minutes, or one already answered.',
    fix: 'Start the sign-in again from the beginning.',
    source: SAML_REFUSED,
  },
  replayed: {
    title: 'Assertion used twice',
    cause: 'This assertion was already used to sign in; each may be used once.',
    fix: 'Start the sign-in again. If nobody resent it, someone may have replayed a captured response.',
    source: SAML_REFUSED,
  },
  malformed_response: {
    title: 'Unreadable response',
    cause: 'The SAMLResponse was not base64, not well-formed XML, or carried a DOCTYPE.',
    fix: 'Check that the identity provider posts a standard SAML 2.0 response to the ACS URL.',
    source: SAML_REFUSED,
    link: CONNECT,
  },
  missing_email: {
    title: 'No email address',
    cause: 'The assertion carries no email address in the attribute Rollcall reads it from.',
    fix: 'Send the email attribute from the identity provider, or map the attribute it does send on Connect IdP.',
    source: SAML_REFUSED,
    link: CONNECT,
  },
  no_assertion: {
    title: 'No assertion',
    cause: 'The response held no assertion to read.',
    fix: 'Check the identity provider’s application setup and try again.',
    source: SAML_STEPS,
    link: CONNECT,
  },
  no_expiry: {
    title: 'No expiry in the assertion',
    cause: 'The assertion did not say until when it is valid.',
    fix: 'Check the identity provider’s application setup (Conditions NotOnOrAfter).',
    source: SAML_STEPS,
    link: CONNECT,
  },
  idp_error: {
    title: 'The identity provider reported an error',
    cause: 'The identity provider answered with an error status instead of a sign-in.',
    fix: 'Check the identity provider’s own log for the reason (often: the person is not assigned the application).',
    source: SAML_STEPS,
  },
};

const SIGN_IN_FALLBACK: Explanation = {
  title: 'Sign-in not accepted',
  cause: 'Rollcall did not accept this sign-in; the detail above gives its reason.',
  fix: 'Look up the reason in the table of refusals.',
  source: SAML_REFUSED,
  link: CONNECT,
};

/** The explanation of a sign-in attempt, or null for a success. */
export function explainSignIn(attempt: SignInEntry): Explanation | null {
  if (attempt.outcome === 'success') return null;
  return SIGN_IN_EXPLANATIONS[attempt.reason] ?? SIGN_IN_FALLBACK;
}

/** SCIM failures, keyed by the `scimType` of the RFC 7644 §3.12 error the request got. */
export const SCIM_TYPE_EXPLANATIONS: Record<string, Explanation> = {
  uniqueness: {
    title: 'Already exists',
    cause:
      'A user with this userName (regardless of case), or a group with this displayName, already exists.',
    fix: 'In the identity provider, link the existing account instead of creating a new one, or correct the duplicate name.',
    source: `${SCIM_ERRORS}; docs/scim.md › Users`,
  },
  invalidFilter: {
    title: 'Invalid filter',
    cause: 'The filter names an attribute Rollcall does not know, or its syntax is wrong.',
    fix: 'Check the identity provider’s matching attribute (usually userName); the supported filters are listed in the docs.',
    source: `${SCIM_ERRORS}; docs/scim.md › Queries`,
  },
  invalidValue: {
    title: 'Invalid value',
    cause:
      'A value in the request is not allowed: a required attribute missing or removed, a group member that is not a user of the organization, or a value of the wrong kind.',
    fix: 'Read the detail above for the attribute; correct it in the identity provider’s attribute mapping and retry.',
    source: `${SCIM_ERRORS}; docs/scim.md › Users`,
  },
  invalidPath: {
    title: 'Invalid path',
    cause: 'A PATCH operation names a path Rollcall does not know.',
    fix: 'Check the identity provider’s attribute mapping for that attribute.',
    source: `${SCIM_ERRORS}; docs/scim.md › PATCH`,
  },
  mutability: {
    title: 'Read-only attribute',
    cause:
      'The request writes an attribute that cannot be changed (for example manager.displayName).',
    fix: 'Remove that attribute from the identity provider’s mapping.',
    source: `${SCIM_ERRORS}; docs/scim.md › PATCH`,
  },
  invalidSyntax: {
    title: 'Malformed request',
    cause: 'The request body is not valid SCIM JSON (or a search request without its schema).',
    fix: 'Check that the identity provider’s integration is a SCIM 2.0 one; retry once it sends valid requests.',
    source: SCIM_ERRORS,
  },
  noTarget: {
    title: 'Nothing to change',
    cause: 'A PATCH operation’s path matches nothing it can act on.',
    fix: 'Check the identity provider’s attribute mapping.',
    source: `${SCIM_ERRORS}; docs/scim.md › PATCH`,
  },
  tooMany: {
    title: 'Too many results',
    cause: 'The query would answer more results than Rollcall returns at once.',
    fix: 'Page through the results (count at most 200).',
    source: `${SCIM_ERRORS}; docs/scim.md › Paging`,
  },
  invalidVers: {
    title: 'Version mismatch',
    cause: 'The request’s If-Match version is not the resource’s current one.',
    fix: 'The identity provider retries with the current version; nothing to do unless it keeps failing.',
    source: `${SCIM_ERRORS}; docs/scim.md › Versions`,
  },
  invalidCursor: {
    title: 'Invalid cursor',
    cause:
      'The paging cursor was altered, made for another query, or belongs to another organization.',
    fix: 'Restart the listing from the first page.',
    source: `${SCIM_ERRORS}; docs/scim.md › Paging`,
  },
  invalidCount: {
    title: 'Invalid count',
    cause: 'The page size is above 200 or not a whole number.',
    fix: 'Ask for at most 200 results a page.',
    source: `${SCIM_ERRORS}; docs/scim.md › Paging`,
  },
};

/** Failures that carry no scimType, keyed by HTTP status. */
export const SCIM_STATUS_EXPLANATIONS: Record<number, Explanation> = {
  401: {
    title: 'Credentials refused',
    cause:
      'The SCIM token or password is wrong, expired, or was replaced and its grace period ended (or SCIM was turned off).',
    fix: 'Issue new SCIM credentials on Connect IdP and enter them in the identity provider.',
    source:
      'docs/scim.md › Connecting an identity provider; docs/scim.md › Rotating the credentials without downtime',
    link: { href: '/connect', label: 'Rotate the SCIM credentials on Connect IdP' },
  },
  404: {
    title: 'Not found',
    cause:
      'The user or group does not exist in this organization (or was deleted through SCIM, which keeps it deactivated but hidden).',
    fix: 'Usually none: the identity provider creates it again when it is next assigned.',
    source: 'docs/scim.md › Endpoints',
  },
  409: {
    title: 'Conflict',
    cause: 'The change conflicts with what exists (for example a name in use).',
    fix: 'Read the detail above and correct the value in the identity provider.',
    source: SCIM_ERRORS,
  },
  412: {
    title: 'Version mismatch',
    cause:
      'The request’s If-Match version is not the resource’s current one: it changed meanwhile.',
    fix: 'The identity provider retries with the current version; nothing to do unless it keeps failing.',
    source: 'docs/scim.md › Versions',
  },
  413: {
    title: 'Request too large',
    cause: 'The request body is larger than Rollcall accepts.',
    fix: 'Send fewer changes per request (for large groups, add members in batches).',
    source: SCIM_ERRORS,
  },
  429: {
    title: 'Too many requests',
    cause: 'The identity provider sent more requests than the SCIM rate limit allows.',
    fix: 'None needed: the identity provider retries after the time Rollcall gives (Retry-After).',
    source: SCIM_ERRORS,
  },
};

const SCIM_FALLBACK: Explanation = {
  title: 'Request failed',
  cause: 'Rollcall did not carry out this request; the detail above says why. Nothing was changed.',
  fix: 'Correct what the detail names in the identity provider and let it retry.',
  source: SCIM_ERRORS,
};

const SCIM_SERVER_ERROR: Explanation = {
  title: 'Rollcall could not answer',
  cause: 'Something went wrong on Rollcall’s side; nothing was changed.',
  fix: 'The identity provider retries; if it keeps failing, tell your Rollcall operator the time and request id.',
  source: SCIM_ERRORS,
};

/** The two pool refusals, by the entry's `reason`: a licensePoolName naming no pool, a full pool. */
const SCIM_UNKNOWN_POOL: Explanation = {
  title: 'Unknown license pool',
  cause:
    'The identity provider sent a licensePoolName that matches none of the organization’s pools, so nothing of the request was applied.',
  fix: 'Create a pool with that name, or correct the value the identity provider sends for licensePoolName.',
  source: 'docs/scim.md › Users',
  link: POOLS,
};

const SCIM_POOL_FULL: Explanation = {
  title: 'License pool full',
  cause: 'The user would move into a license pool with no seat left, so nothing was applied.',
  fix: 'Give the pool more seats or free a seat, then let the identity provider retry.',
  source: 'docs/scim.md › Users; docs/license-pools.md',
  link: POOLS,
};

/** The explanation of a SCIM request, or null for a success. */
export function explainScim(entry: ScimLogEntry): Explanation | null {
  if (entry.outcome === 'success') return null;
  if (entry.reason === 'pool_full') return SCIM_POOL_FULL;
  if (entry.reason === 'unknown_pool') return SCIM_UNKNOWN_POOL;
  if (entry.scimType && SCIM_TYPE_EXPLANATIONS[entry.scimType]) {
    return SCIM_TYPE_EXPLANATIONS[entry.scimType];
  }
  if (entry.status >= 500) return SCIM_SERVER_ERROR;
  return SCIM_STATUS_EXPLANATIONS[entry.status] ?? SCIM_FALLBACK;
}
