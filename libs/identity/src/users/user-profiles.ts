import type { User, UserProfile } from './user.model';
import type { SsoIdentity } from './user-sign-in.service';

/**
 * A profile with a userName and nothing else: what an anonymized user keeps (its placeholder), and
 * where a user created at its first sign-in starts.
 */
export function emptyProfile(userName: string): UserProfile {
  return {
    userName,
    externalId: null,
    formattedName: null,
    givenName: null,
    familyName: null,
    middleName: null,
    honorificPrefix: null,
    honorificSuffix: null,
    displayName: null,
    nickName: null,
    profileUrl: null,
    title: null,
    userType: null,
    preferredLanguage: null,
    locale: null,
    timezone: null,
    emails: [],
    phoneNumbers: [],
    addresses: [],
    ims: [],
    photos: [],
    enterprise: {},
  };
}

/**
 * The profile after an SSO sign-in where SCIM does not own it: the assertion's names, externalId and
 * email replace what is there; everything else stays. A new user's userName is its email.
 */
export function ssoProfile(current: User | undefined, identity: SsoIdentity): UserProfile {
  const base: UserProfile = current ?? emptyProfile(identity.email);
  const email = identity.email.trim();
  const hasEmail = base.emails.some(
    (e) => typeof e.value === 'string' && e.value.trim().toLowerCase() === email.toLowerCase(),
  );
  return {
    ...base,
    givenName: identity.givenName ?? base.givenName,
    familyName: identity.familyName ?? base.familyName,
    displayName: identity.displayName ?? base.displayName,
    externalId: identity.externalId ?? base.externalId,
    formattedName:
      identity.givenName !== undefined || identity.familyName !== undefined
        ? [identity.givenName ?? base.givenName, identity.familyName ?? base.familyName]
            .filter(Boolean)
            .join(' ') || null
        : base.formattedName,
    emails: hasEmail
      ? base.emails
      : [
          { value: email, type: 'work', primary: true },
          ...base.emails.map((e) => ({ ...e, primary: false })),
        ],
  };
}
