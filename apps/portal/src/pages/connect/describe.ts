import type { ProvisioningLogEntry, SignInAttempt } from './types';

/** "just now", "3 minutes ago", "2 hours ago", "5 days ago" (from `now`). */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
  const days = Math.round(hours / 24);
  return `${days} days ago`;
}

/** "in 24 hours", "in 30 minutes" (from `now`). */
export function fromNow(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((new Date(iso).getTime() - now) / 60_000));
  if (minutes < 1) return 'in less than a minute';
  if (minutes < 90) return minutes === 1 ? 'in 1 minute' : `in ${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} hours`;
  return `in ${Math.round(hours / 24)} days`;
}

const ACTIONS: Record<string, [string, string]> = {
  // method → [done, tried to]
  POST: ['created', 'create'],
  PUT: ['replaced', 'replace'],
  PATCH: ['updated', 'update'],
  DELETE: ['deleted', 'delete'],
};

/** What a SCIM request did, in words: "Okta created user jane@example.com 3 minutes ago — success". */
export function describeScimRequest(
  entry: ProvisioningLogEntry,
  idpName: string,
  now = Date.now(),
): string {
  const when = ago(entry.occurredAt, now);
  const kind = entry.resourceType === 'Group' ? 'group' : 'user';
  const target = entry.userName ? `${kind} ${entry.userName}` : kind;
  const success = entry.outcome === 'success';
  let what: string;
  if (entry.path.endsWith('/.search')) {
    what = 'searched';
  } else if (entry.method === 'GET') {
    what =
      entry.resourceType === 'Group'
        ? 'looked up groups'
        : entry.resourceType === 'User'
          ? 'looked up users'
          : `read ${entry.path}`;
  } else {
    const [done, tried] = ACTIONS[entry.method] ?? ['sent', 'send'];
    what = success ? `${done} ${target}` : `tried to ${tried} ${target}`;
  }
  const outcome = success
    ? 'success'
    : `refused (${entry.status}${entry.scimType ? ` ${entry.scimType}` : ''})${entry.detail ? `: ${entry.detail}` : ''}`;
  return `${idpName} ${what} ${when} — ${outcome}`;
}

/** Why a sign-in was refused or rejected, in words (docs/saml.md, "When a sign-in is refused"). */
function reasonInWords(attempt: SignInAttempt): string {
  const pool = attempt.licensePoolName;
  switch (attempt.reason) {
    case 'pool_full':
      return pool ? `the pool ${pool} is full` : attempt.detail;
    case 'unknown_pool':
      return pool ? `there is no pool named ${pool}` : attempt.detail;
    case 'unknown_user':
      return `there is no account for ${attempt.subject ?? 'this person'} yet (with SCIM on, assign the person to the app in the IdP first; with SCIM off, check that just-in-time provisioning is on)`;
    case 'account_deactivated':
      return 'the account is deactivated';
    case 'invalid_signature':
      return 'the response was not signed by the IdP’s certificate Rollcall knows (send the current metadata again)';
    case 'wrong_audience':
      return 'the response was meant for another entity id (check the SP entity id in the IdP)';
    case 'wrong_recipient':
    case 'wrong_destination':
      return 'the response was addressed to another URL (check the ACS URL in the IdP)';
    case 'wrong_issuer':
      return 'the response came from another IdP than the one configured (send this app’s metadata)';
    default:
      return attempt.detail;
  }
}

/** The last sign-in attempt, in words. */
export function describeSignIn(attempt: SignInAttempt, now = Date.now()): string {
  const when = ago(attempt.occurredAt, now);
  const who = attempt.subject ?? 'someone';
  switch (attempt.outcome) {
    case 'success':
      return `${who} signed in ${when} — success`;
    case 'refused':
      return `Sign-in refused ${when} for ${who}: ${reasonInWords(attempt)}`;
    case 'rejected':
      return `A sign-in response was rejected ${when}: ${reasonInWords(attempt)}`;
  }
}
