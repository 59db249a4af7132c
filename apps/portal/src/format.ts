import type { Problem, Role, UserStatus } from './api';

/** The status words of the admin's user list (SPEC §2). */
export const STATUS_LABELS: Record<UserStatus, string> = {
  provisioned: 'No license',
  pending: 'Waiting for a seat',
  active: 'Active',
  deactivated: 'Deactivated',
  anonymized: 'Anonymized',
};

export const STATUS_HINTS: Record<UserStatus, string> = {
  provisioned: 'Provisioned, never signed in: takes a seat at first sign-in',
  pending: 'Provisioned while its pool was full: takes a seat at first sign-in if one is free',
  active: 'Has signed in and holds a seat in its pool',
  deactivated: 'Deprovisioned; its history is kept and it can be reactivated',
  anonymized: 'Personal data erased; cannot be reactivated',
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  group_admin: 'Group admin',
  user: 'User',
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string | null): string {
  return iso ? dateTime.format(new Date(iso)) : 'Never';
}

export function seats(count: number): string {
  return count === 1 ? '1 seat' : `${count} seats`;
}

/** An API problem in plain words: its detail, and what the fields said when it names them. */
export function describeProblem(problem: Problem): string {
  const fields = (problem.errors ?? [])
    .map((error) => error.message)
    .filter((message): message is string => typeof message === 'string' && message.length > 0);
  switch (problem.code) {
    case 'validation_failed':
      return fields.length > 0
        ? `Please check: ${fields.join('; ')}.`
        : (problem.detail ?? problem.title);
    case 'forbidden':
      return `You may not do that. ${problem.detail ?? ''}`.trim();
    case 'csrf_failed':
      return 'Your session could not confirm this change. Reload the page and try again.';
    default:
      return problem.detail ?? problem.title;
  }
}
