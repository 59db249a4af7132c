/**
 * Every failure a caller can cause has a code. Services throw DomainError and never HTTP exceptions;
 * the one global filter (ErrorFilter) maps each code to an HTTP status, a problem+json body on the
 * admin API and the SCIM error envelope (with scimType) under /scim/v2.
 */
export type ErrorCode =
  // request shape
  | 'malformed_request'
  | 'validation_failed'
  | 'payload_too_large'
  | 'headers_too_large'
  | 'request_timeout'
  | 'unsupported_media_type'
  // who is calling
  | 'unauthorized'
  | 'forbidden'
  | 'plan_required'
  | 'invalid_setup_link'
  | 'session_expired'
  | 'csrf_failed'
  // resources
  | 'not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'not_implemented'
  | 'conflict'
  | 'slug_taken'
  | 'last_admin_key'
  | 'last_admin'
  | 'precondition_failed'
  // groups and users
  | 'scim_managed'
  | 'user_not_deactivated'
  | 'user_anonymized'
  // license pools
  | 'pool_name_taken'
  | 'default_pool_fixed'
  | 'not_enough_licenses'
  | 'pool_full'
  | 'sign_in_refused'
  // SAML SSO
  | 'saml_rejected'
  | 'sso_not_configured'
  // SCIM (RFC 7644 §3.12 scimType in parentheses)
  | 'invalid_filter' // invalidFilter
  | 'invalid_path' // invalidPath
  | 'invalid_value' // invalidValue
  | 'invalid_syntax' // invalidSyntax
  | 'no_target' // noTarget
  | 'mutability' // mutability
  | 'uniqueness' // uniqueness
  | 'too_many' // tooMany
  | 'invalid_version' // invalidVers
  | 'invalid_cursor' // invalidCursor (RFC 9865)
  | 'invalid_count' // invalidCount (RFC 9865)
  | 'cursor_expired' // an event cursor older than what retention keeps (410)
  // infrastructure
  | 'too_many_requests'
  | 'service_unavailable'
  | 'internal';

export interface FieldError {
  /** Dotted path of the offending field in the request (`totalLicenses`, `members[2].value`). */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly fieldErrors: FieldError[] = [],
    /** A finer machine-readable reason within the code (e.g. `pool_full` for `sign_in_refused`). */
    readonly reason?: string,
  ) {
    super(detail);
    this.name = 'DomainError';
  }

  static notFound(what: string): DomainError {
    return new DomainError('not_found', `${what} was not found`);
  }
}
