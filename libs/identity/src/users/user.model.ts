import type {
  EnterpriseAttributes,
  LicenseTier,
  MultiValue,
  Role,
  UserEntity,
  UserStatus,
} from './user.entity';

/** Everything about a person that an identity provider may write. */
export interface UserProfile {
  userName: string;
  externalId: string | null;
  formattedName: string | null;
  givenName: string | null;
  familyName: string | null;
  middleName: string | null;
  honorificPrefix: string | null;
  honorificSuffix: string | null;
  displayName: string | null;
  nickName: string | null;
  profileUrl: string | null;
  title: string | null;
  userType: string | null;
  preferredLanguage: string | null;
  locale: string | null;
  timezone: string | null;
  emails: MultiValue[];
  phoneNumbers: MultiValue[];
  addresses: MultiValue[];
  ims: MultiValue[];
  photos: MultiValue[];
  enterprise: EnterpriseAttributes;
}

/** A user as the rest of the application sees it (no ORM types). */
export interface User extends UserProfile {
  id: string;
  organizationId: string;
  role: Role;
  licensePool: { id: string; name: string; isDefault: boolean };
  licenseTier: LicenseTier;
  status: UserStatus;
  scimManaged: boolean;
  firstLoginAt: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export const PROFILE_FIELDS = [
  'userName',
  'externalId',
  'formattedName',
  'givenName',
  'familyName',
  'middleName',
  'honorificPrefix',
  'honorificSuffix',
  'displayName',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'emails',
  'phoneNumbers',
  'addresses',
  'ims',
  'photos',
  'enterprise',
] as const satisfies readonly (keyof UserProfile)[];

/** The email SSO and notifications use: the primary one, else a work one, else the first. */
export function primaryEmailOf(emails: MultiValue[]): string | null {
  const valued = emails.filter((e) => typeof e.value === 'string' && e.value.trim() !== '');
  const chosen =
    valued.find((e) => e.primary === true) ??
    valued.find((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work') ??
    valued[0];
  return chosen ? String(chosen.value).trim().toLowerCase() : null;
}

/** Copies a profile onto an entity, with the derived lookup columns. */
export function applyProfile(entity: UserEntity, profile: UserProfile): void {
  for (const field of PROFILE_FIELDS) {
    (entity as unknown as Record<string, unknown>)[field] = profile[field];
  }
  entity.emailValues = [
    ...new Set(
      profile.emails
        .map((e) => (typeof e.value === 'string' ? e.value.trim().toLowerCase() : ''))
        .filter((v) => v !== ''),
    ),
  ];
  entity.primaryEmail = primaryEmailOf(profile.emails);
}

/**
 * The user as the rest of the application sees it, field by field: one object literal of one fixed
 * shape (the compiler checks that it names every field of User), which the engine builds and reads
 * much faster than one assembled from PROFILE_FIELDS or spread from another; every SCIM response
 * starts here.
 */
export function toUser(
  entity: UserEntity,
  pool: { id: string; name: string; isDefault: boolean },
): User {
  return {
    userName: entity.userName,
    externalId: entity.externalId,
    formattedName: entity.formattedName,
    givenName: entity.givenName,
    familyName: entity.familyName,
    middleName: entity.middleName,
    honorificPrefix: entity.honorificPrefix,
    honorificSuffix: entity.honorificSuffix,
    displayName: entity.displayName,
    nickName: entity.nickName,
    profileUrl: entity.profileUrl,
    title: entity.title,
    userType: entity.userType,
    preferredLanguage: entity.preferredLanguage,
    locale: entity.locale,
    timezone: entity.timezone,
    emails: entity.emails,
    phoneNumbers: entity.phoneNumbers,
    addresses: entity.addresses,
    ims: entity.ims,
    photos: entity.photos,
    enterprise: entity.enterprise,
    id: entity.id,
    organizationId: entity.organizationId,
    role: entity.role,
    licensePool: pool,
    licenseTier: entity.licenseTier,
    status: entity.status,
    scimManaged: entity.scimManaged,
    firstLoginAt: entity.firstLoginAt,
    lastLoginAt: entity.lastLoginAt,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
    version: entity.version,
  };
}
