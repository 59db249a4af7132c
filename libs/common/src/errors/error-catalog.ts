import type { ErrorCode } from './domain-error';

/** RFC 7644 §3.12 scimType values. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  // RFC 9865 §2.2 (cursor paging)
  | 'invalidCursor'
  | 'invalidCount';

export interface ErrorDescription {
  status: number;
  title: string;
  /** Used only when the error is answered in the SCIM envelope. */
  scimType?: ScimType;
}

/** The one place an error code becomes an HTTP status. Exhaustive: a new code will not compile unmapped. */
export function describeError(code: ErrorCode): ErrorDescription {
  switch (code) {
    case 'malformed_request':
      return { status: 400, title: 'Malformed request', scimType: 'invalidSyntax' };
    case 'validation_failed':
      return { status: 400, title: 'Invalid request', scimType: 'invalidValue' };
    case 'payload_too_large':
      return { status: 413, title: 'Request body too large' };
    case 'headers_too_large':
      return { status: 431, title: 'Request headers too large' };
    case 'request_timeout':
      return { status: 408, title: 'Request timeout' };
    case 'unsupported_media_type':
      return { status: 415, title: 'Unsupported media type' };
    case 'unauthorized':
      return { status: 401, title: 'Unauthorized' };
    case 'forbidden':
      return { status: 403, title: 'Forbidden' };
    case 'plan_required':
      return { status: 403, title: 'Not available on this plan' };
    case 'invalid_setup_link':
      return { status: 401, title: 'Setup link not valid' };
    case 'session_expired':
      return { status: 401, title: 'Session expired' };
    case 'csrf_failed':
      return { status: 403, title: 'CSRF token missing or wrong' };
    case 'not_found':
      return { status: 404, title: 'Not found' };
    case 'route_not_found':
      return { status: 404, title: 'No such endpoint' };
    case 'method_not_allowed':
      return { status: 405, title: 'Method not allowed' };
    case 'not_implemented':
      return { status: 501, title: 'Not implemented' };
    case 'conflict':
      return { status: 409, title: 'Conflict', scimType: 'uniqueness' };
    case 'slug_taken':
      return { status: 409, title: 'Slug already in use' };
    case 'last_admin':
      return { status: 409, title: 'Last admin' };
    case 'last_admin_key':
      return { status: 409, title: 'Last admin API key' };
    case 'pool_name_taken':
      return { status: 409, title: 'License pool name in use', scimType: 'uniqueness' };
    case 'default_pool_fixed':
      return { status: 409, title: 'The default license pool cannot be changed that way' };
    case 'not_enough_licenses':
      return { status: 409, title: 'Not enough licenses' };
    case 'pool_full':
      return { status: 409, title: 'License pool full', scimType: 'invalidValue' };
    case 'scim_managed':
      return { status: 409, title: 'Managed through SCIM', scimType: 'mutability' };
    case 'user_not_deactivated':
      return { status: 409, title: 'User is not deactivated' };
    case 'user_anonymized':
      return { status: 409, title: 'User is anonymized' };
    case 'sign_in_refused':
      return { status: 403, title: 'Sign-in refused' };
    case 'saml_rejected':
      return { status: 400, title: 'SAML response rejected' };
    case 'sso_not_configured':
      return { status: 404, title: 'Single sign-on is not set up' };
    case 'precondition_failed':
      return { status: 412, title: 'Precondition failed' };
    case 'invalid_filter':
      return { status: 400, title: 'Invalid filter', scimType: 'invalidFilter' };
    case 'invalid_path':
      return { status: 400, title: 'Invalid path', scimType: 'invalidPath' };
    case 'invalid_value':
      return { status: 400, title: 'Invalid value', scimType: 'invalidValue' };
    case 'invalid_syntax':
      return { status: 400, title: 'Invalid syntax', scimType: 'invalidSyntax' };
    case 'no_target':
      return { status: 400, title: 'No target', scimType: 'noTarget' };
    case 'mutability':
      return { status: 400, title: 'Attribute is not writable', scimType: 'mutability' };
    case 'uniqueness':
      return { status: 409, title: 'Already exists', scimType: 'uniqueness' };
    case 'too_many':
      return { status: 400, title: 'Too many results', scimType: 'tooMany' };
    case 'invalid_version':
      return { status: 400, title: 'Invalid version', scimType: 'invalidVers' };
    case 'invalid_cursor':
      return { status: 400, title: 'Invalid cursor', scimType: 'invalidCursor' };
    case 'invalid_count':
      return { status: 400, title: 'Invalid count', scimType: 'invalidCount' };
    case 'cursor_expired':
      return { status: 410, title: 'Cursor expired' };
    case 'too_many_requests':
      return { status: 429, title: 'Too many requests' };
    case 'service_unavailable':
      return { status: 503, title: 'Service unavailable' };
    case 'internal':
      return { status: 500, title: 'Internal server error' };
  }
}

/** Codes for statuses that reach the filter as framework exceptions rather than DomainErrors. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'malformed_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'route_not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 412:
      return 'precondition_failed';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'too_many_requests';
    case 503:
      return 'service_unavailable';
    default:
      return status >= 500 ? 'internal' : 'malformed_request';
  }
}
