/**
 * The people of a bench tenant. User n (1-based) is the same person whether it was created through
 * SCIM (the template, the probe, the create scenario's users) or seeded in SQL: the seeder's SQL
 * (fixtures.ts) computes exactly these values, and the fidelity check proves it on every run.
 */
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ROLLCALL_SCHEMA = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export const DEPARTMENTS = ['Engineering', 'Sales', 'Support', 'Finance', 'Operations'] as const;
export const ENGINEERING_POOL = 'Engineering';
export const CONTRACTORS_POOL = 'Contractors';
/** Seven digits: user numbers up to 9,999,999 sort as text in number order. */
export const PAD = 7;
export const MAX_USERS = 9_999_999;

export function pad(n: number): string {
  return String(n).padStart(PAD, '0');
}

export function domainOf(slug: string): string {
  return `${slug}.example.com`;
}

export function userName(domain: string, n: number): string {
  return `User${pad(n)}@${domain}`;
}

/** 10% Contractors, 30% Engineering, the rest in the default pool (no licensePoolName sent). */
export function poolNameOf(n: number): string | undefined {
  const bucket = n % 10;
  if (bucket === 0) return CONTRACTORS_POOL;
  if (bucket <= 3) return ENGINEERING_POOL;
  return undefined;
}

/** What Entra sends to create user n (externalId prefixed so the bench can find its own rows). */
export function userPayload(
  domain: string,
  n: number,
  overrides: { userName?: string; externalId?: string; title?: string } = {},
): Record<string, unknown> {
  const name = overrides.userName ?? userName(domain, n);
  const pool = poolNameOf(n);
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA, ...(pool ? [ROLLCALL_SCHEMA] : [])],
    externalId: overrides.externalId ?? `seed-${pad(n)}`,
    userName: name,
    active: true,
    displayName: `Given${n} Family${n}`,
    title: overrides.title ?? 'Engineer',
    emails: [{ primary: true, type: 'work', value: name }],
    name: { formatted: `Given${n} Family${n}`, familyName: `Family${n}`, givenName: `Given${n}` },
    [ENTERPRISE_SCHEMA]: {
      employeeNumber: String(n),
      department: DEPARTMENTS[n % DEPARTMENTS.length],
    },
    ...(pool ? { [ROLLCALL_SCHEMA]: { licensePoolName: pool } } : {}),
  };
}
