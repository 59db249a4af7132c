/**
 * The portal speaks to the same admin API as every other client: same-origin requests carrying the
 * portal session cookie, and the session's CSRF token on every unsafe method.
 */

export type Role = 'admin' | 'group_admin' | 'user';
export type UserStatus = 'provisioned' | 'pending' | 'active' | 'deactivated' | 'anonymized';

export interface SessionView {
  organization: { id: string; name: string; slug: string };
  role: 'admin' | 'group_admin';
  user: null | { id: string; userName: string; displayName: string | null };
  csrfToken: string;
  idleExpiresAt: string;
  expiresAt: string;
}

export interface User {
  id: string;
  userName: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  status: UserStatus;
  statusReason: string | null;
  role: Role;
  licensePool: { id: string; name: string; isDefault: boolean };
  scimManaged: boolean;
  lastLoginAt: string | null;
}

export interface UserPage {
  data: User[];
  nextCursor: string | null;
}

export interface LicensePool {
  id: string;
  name: string;
  isDefault: boolean;
  capacity: number;
  used: number;
  remaining: number;
}

/** One entry of the provisioning log, GET /api/v1/scim/logs (newest first). */
export interface ProvisioningLogEntry {
  id: string;
  occurredAt: string;
  requestId: string | null;
  method: string;
  path: string;
  resourceType: string | null;
  resourceId: string | null;
  userName: string | null;
  status: number;
  outcome: 'success' | 'failure';
  scimType: string | null;
  detail: string | null;
  /** Why it failed, for machines (`pool_full`, `unknown_pool`, `uniqueness`, …); null on success. */
  reason: string | null;
  durationMs: number;
}

export type SignInOutcome = 'success' | 'refused' | 'rejected';

/** One SSO sign-in attempt, GET /api/v1/sso/sign-ins (newest first). */
export interface SignInAttempt {
  id: string;
  occurredAt: string;
  flow: 'sp' | 'idp';
  outcome: SignInOutcome;
  reason: string;
  detail: string;
  subject: string | null;
  userId: string | null;
  licensePoolName: string | null;
  clientIp: string | null;
}

/** A page of a newest-first cursor list. */
export interface Paged<T> {
  data: T[];
  nextCursor: string | null;
}

/** An RFC 9457 problem as the API answers it. */
export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: { field?: string; message?: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string {
    return this.problem.code;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;
let onSignedOut: (problem: Problem) => void = () => undefined;

/** Remembers the session's CSRF token (null when signed out). */
export function rememberSession(session: SessionView | null): void {
  csrfToken = session?.csrfToken ?? null;
}

/** What to do when the API says the session is gone (expired, signed out elsewhere). */
export function whenSignedOut(handler: (problem: Problem) => void): void {
  onSignedOut = handler;
}

async function problemOf(response: Response): Promise<Problem> {
  try {
    const body = (await response.json()) as Partial<Problem>;
    if (typeof body.code === 'string' && typeof body.title === 'string') {
      return { ...body, status: response.status } as Problem;
    }
  } catch {
    // Not JSON: described below.
  }
  return {
    status: response.status,
    code: 'unexpected',
    title: response.statusText || 'Unexpected answer',
    detail: `Rollcall answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}. Try again in a moment.`,
  };
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** A 401 here is an answer, not a lost session (the session endpoints themselves). */
  expectUnauthorized?: boolean;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError({
      status: 0,
      code: 'network',
      title: 'Rollcall could not be reached',
      detail: 'Rollcall could not be reached. Check your connection and try again.',
    });
  }
  if (!response.ok) {
    const problem = await problemOf(response);
    if (response.status === 401 && !options.expectUnauthorized) onSignedOut(problem);
    throw new ApiError(problem);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** The query string of a request, without empty values. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
