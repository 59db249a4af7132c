/** SCIM PATCH (RFC 7644 §3.5.2): reading request bodies and applying operations to documents. */
export { applyPatch, type PatchResult } from './apply';
export {
  MAX_PATCH_OPERATIONS,
  PATCH_OP_SCHEMA,
  parsePatchRequest,
  type NormalizedOperation,
  type PatchOpName,
  type PatchOperation,
} from './request';
