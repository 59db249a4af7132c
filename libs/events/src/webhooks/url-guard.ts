// The guard lives in libs/common: the SAML metadata refresh fetches admin-chosen URLs too.
export {
  isPrivateAddress,
  parseWebhookUrl,
  type ResolvedTarget,
  resolveWebhookTarget,
  type UrlPolicy,
  WebhookUrlRefused,
} from '@rollcall/common';
