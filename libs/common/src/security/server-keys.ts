/**
 * Keys the installation makes for itself and every instance shares (e.g. the one that signs SCIM
 * paging cursors). libs/database provides the implementation (a table of the database, so every
 * instance on it gets the same key with nothing to configure); this class is its injection token.
 */
export abstract class ServerKeys {
  /** The key for `purpose` (32 random bytes, made the first time any instance asks). */
  abstract key(purpose: string): Promise<Buffer>;
}
