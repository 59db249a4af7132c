/**
 * Per identity provider, the steps of docs/idp/*.md with each console's own names for its menus and
 * fields, and where each Rollcall value goes. The page fills the values in from the API.
 */

export type IdpId = 'okta' | 'entra' | 'onelogin' | 'jumpcloud' | 'google' | 'other';
export type AuthMethod = 'bearer' | 'basic';

/** A value the page knows: SCIM's base URL and credentials, Rollcall's SAML URLs. */
export type ValueRef =
  | 'baseUrl'
  | 'token'
  | 'username'
  | 'password'
  | 'acsUrl'
  | 'entityId'
  | 'metadataUrl'
  | 'loginUrl';

/** One field of the IdP's console: its label there, and what to put in it. */
export interface GuideField {
  label: string;
  /** A Rollcall value (with a copy button), or the text to choose or enter. */
  value: ValueRef | { text: string };
  /** Only for this SCIM authentication method. */
  onlyFor?: AuthMethod;
}

export interface GuideStep {
  /** What to do, in the console's words (menus joined with →). */
  title: string;
  fields?: GuideField[];
  notes?: string[];
}

/** One line of an attribute mapping: the IdP's side, and what Rollcall reads. */
export interface AttributeRow {
  idp: string;
  rollcall: string;
}

export interface IdpGuide {
  id: IdpId;
  name: string;
  /** Where the guide's full text is, for the admin's reference. */
  doc: string;
  scim: {
    /** False: the IdP does not provision to Rollcall (Google Workspace). */
    supported: boolean;
    /** Why, and what to do instead. */
    note?: string;
    authMethods: AuthMethod[];
    steps: GuideStep[];
    /** The IdP's own connection test. */
    test: string;
    /** How the IdP sends `licensePoolName` over SCIM. */
    licensePool: GuideStep[];
  };
  saml: {
    steps: GuideStep[];
    attributes: AttributeRow[];
    /** Where to get the IdP's metadata to send to Rollcall. */
    metadata: string;
  };
}

const POOL_RULES =
  'A pool’s name in any case; blank or “Default license pool” means the default pool; an unknown name is refused. Leave it out if the organization has no custom pools.';

export const POOL_RULES_TEXT = POOL_RULES;

export const IDP_GUIDES: IdpGuide[] = [
  {
    id: 'okta',
    name: 'Okta',
    doc: 'docs/idp/okta.md',
    scim: {
      supported: true,
      authMethods: ['bearer', 'basic'],
      steps: [
        {
          title:
            'Admin Console: open your Rollcall app integration, or Applications → Create App Integration → SAML 2.0, then General → App Settings: set Provisioning to SCIM',
        },
        {
          title: 'Provisioning tab → Integration → Edit',
          fields: [
            { label: 'SCIM connector base URL', value: 'baseUrl' },
            { label: 'Unique identifier field for users', value: { text: 'userName' } },
            {
              label: 'Supported provisioning actions',
              value: {
                text: 'Import New Users and Profile Updates, Push New Users, Push Profile Updates, Push Groups',
              },
            },
            {
              label: 'Authentication Mode',
              value: { text: 'HTTP Header, with the token as the bearer token' },
              onlyFor: 'bearer',
            },
            { label: 'Bearer token (HTTP Header)', value: 'token', onlyFor: 'bearer' },
            { label: 'Authentication Mode', value: { text: 'Basic Auth' }, onlyFor: 'basic' },
            { label: 'Username (Basic Auth)', value: 'username', onlyFor: 'basic' },
            { label: 'Password (Basic Auth)', value: 'password', onlyFor: 'basic' },
          ],
          notes: ['Click Test Connector Configuration, then Save.'],
        },
        {
          title: 'Provisioning → To App → Edit',
          notes: [
            'Enable Create Users, Update User Attributes and Deactivate Users.',
            'Leave Sync Password off: people sign in over SSO.',
          ],
        },
      ],
      test: 'Test Connector Configuration lists the features Okta detected; every one should pass. Then assign one test user to the app.',
      licensePool: [
        {
          title: 'Directory → Profile Editor → the Rollcall app’s profile → Add Attribute',
          fields: [
            { label: 'Data type', value: { text: 'string' } },
            { label: 'Display name', value: { text: 'License pool' } },
            { label: 'Variable name', value: { text: 'licensePoolName' } },
            { label: 'External name', value: { text: 'licensePoolName' } },
            {
              label: 'External namespace',
              value: { text: 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User' },
            },
          ],
        },
        {
          title: 'Mappings → Okta User to <app>',
          notes: [
            'Map a value to licensePoolName: a profile attribute such as user.department, or an expression.',
          ],
        },
      ],
    },
    saml: {
      steps: [
        {
          title: 'The same app (SAML 2.0) → General → SAML Settings',
          fields: [
            { label: 'Single sign-on URL', value: 'acsUrl' },
            { label: 'Audience URI (SP Entity ID)', value: 'entityId' },
            { label: 'Name ID format', value: { text: 'EmailAddress' } },
            { label: 'Application username', value: { text: 'Email' } },
          ],
          notes: [
            'Check “Use this for Recipient URL and Destination URL”. Okta signs the assertion by default, which is what Rollcall needs.',
          ],
        },
      ],
      attributes: [
        { idp: 'user.email', rollcall: 'email' },
        { idp: 'user.firstName', rollcall: 'firstName' },
        { idp: 'user.lastName', rollcall: 'lastName' },
        { idp: 'the same expression as in the SCIM mapping', rollcall: 'licensePoolName' },
      ],
      metadata:
        'Sign On tab → SAML Signing Certificates → Actions → View IdP metadata: copy the document, or its Metadata URL.',
    },
  },
  {
    id: 'entra',
    name: 'Microsoft Entra ID',
    doc: 'docs/idp/entra.md',
    scim: {
      supported: true,
      authMethods: ['bearer'],
      steps: [
        {
          title:
            'Entra admin center: Enterprise applications → New application → Create your own application (non-gallery), or open your Rollcall SSO app',
        },
        {
          title: 'Provisioning → Get started',
          fields: [
            { label: 'Provisioning Mode', value: { text: 'Automatic' } },
            { label: 'Tenant URL', value: 'baseUrl' },
            { label: 'Secret Token', value: 'token', onlyFor: 'bearer' },
          ],
          notes: [
            'Click Test Connection, then Save.',
            'Assign users and groups under Users and groups, and set Provisioning Status to On. Provision on demand pushes one user at once.',
          ],
        },
      ],
      test: 'Test Connection sends a lookup of a random user with the token and expects no results; Provision on demand shows each step Entra took for one user.',
      licensePool: [
        {
          title:
            'Provisioning → Mappings → Provision Microsoft Entra ID Users → Show advanced options → Edit attribute list for <app>',
          fields: [
            {
              label: 'Name',
              value: {
                text: 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User:licensePoolName',
              },
            },
            { label: 'Type', value: { text: 'String' } },
          ],
        },
        {
          title: 'Add New Mapping',
          notes: [
            'Source: a directory attribute (e.g. extensionAttribute1 or department), an expression or a constant; target: the attribute you added.',
          ],
        },
      ],
    },
    saml: {
      steps: [
        {
          title: 'The same Enterprise application → Single sign-on → SAML',
          fields: [
            { label: 'Identifier (Entity ID)', value: 'entityId' },
            { label: 'Reply URL (Assertion Consumer Service URL)', value: 'acsUrl' },
            { label: 'Sign on URL', value: 'loginUrl' },
          ],
          notes: ['Entra signs the assertion by default.'],
        },
      ],
      attributes: [
        { idp: 'user.mail (claim …/claims/emailaddress, a default)', rollcall: 'email' },
        { idp: 'user.givenname (claim …/claims/givenname, a default)', rollcall: 'firstName' },
        { idp: 'user.surname (claim …/claims/surname, a default)', rollcall: 'lastName' },
        {
          idp: 'Attributes & Claims → Add new claim, named licensePoolName, same source as the SCIM mapping',
          rollcall: 'licensePoolName',
        },
      ],
      metadata: 'SAML Certificates → Federation Metadata XML: download it.',
    },
  },
  {
    id: 'onelogin',
    name: 'OneLogin',
    doc: 'docs/idp/onelogin.md',
    scim: {
      supported: true,
      authMethods: ['bearer'],
      steps: [
        {
          title:
            'Applications → Add App → SCIM Provisioner with SAML (SCIM v2 Enterprise); give it a Display Name and Save',
        },
        {
          title: 'Configuration tab',
          fields: [
            { label: 'SAML Audience URL', value: 'entityId' },
            { label: 'SAML Consumer URL', value: 'acsUrl' },
            { label: 'SCIM Base URL', value: 'baseUrl' },
            { label: 'SCIM Bearer Token', value: 'token', onlyFor: 'bearer' },
            {
              label: 'SCIM JSON Template',
              value: {
                text: 'the template of docs/idp/onelogin.md (userName, name, displayName, emails and the Rollcall extension with licensePoolName)',
              },
            },
          ],
          notes: ['Enable the API connection (Enable), then Save.'],
        },
        {
          title: 'Parameters tab',
          fields: [{ label: 'SCIM Username', value: { text: 'Email' } }],
        },
        {
          title: 'Provisioning tab',
          notes: [
            'Check Enable provisioning.',
            'Under “Require admin approval before this action”, tick Create user, Delete user and Update user while you test.',
            'When users are deleted in OneLogin, or the user’s app access is removed: choose Suspend or Delete (both free the seat).',
            'Save, then give people access on the Access tab.',
          ],
        },
      ],
      test: 'Enable on the Configuration tab must succeed (OneLogin looks up a user that does not exist). Then give one test user access and approve the queued Create user task.',
      licensePool: [
        {
          title: 'Parameters tab → add a parameter',
          fields: [
            { label: 'Field name', value: { text: 'licensePoolName' } },
            { label: 'Include in User Provisioning', value: { text: 'checked' } },
            { label: 'Include in SAML assertion', value: { text: 'checked' } },
            { label: 'Value', value: { text: 'a user field (e.g. department) or a macro' } },
          ],
          notes: [
            'The SCIM JSON Template sends it as {$parameters.licensePoolName} under urn:ietf:params:scim:schemas:extension:rollcall:2.0:User.',
          ],
        },
      ],
    },
    saml: {
      steps: [
        {
          title: 'The same app → Configuration tab',
          fields: [
            { label: 'SAML Audience URL', value: 'entityId' },
            { label: 'SAML Consumer URL', value: 'acsUrl' },
            { label: 'SAML NameID', value: { text: 'Email' } },
          ],
          notes: ['Rollcall needs the response or the assertion signed, either one.'],
        },
      ],
      attributes: [
        { idp: 'Email (Include in SAML assertion)', rollcall: 'email' },
        { idp: 'First Name (Include in SAML assertion)', rollcall: 'firstName' },
        { idp: 'Last Name (Include in SAML assertion)', rollcall: 'lastName' },
        { idp: 'the licensePoolName parameter', rollcall: 'licensePoolName' },
      ],
      metadata: 'More Actions → SAML Metadata: download it.',
    },
  },
  {
    id: 'jumpcloud',
    name: 'JumpCloud',
    doc: 'docs/idp/jumpcloud.md',
    scim: {
      supported: true,
      authMethods: ['bearer'],
      steps: [
        {
          title:
            'SSO Applications → Add New Application → Custom Application (SAML SSO and identity management); create the SSO side first (below)',
        },
        {
          title: 'The application → Identity Management tab',
          fields: [
            { label: 'SCIM Version', value: { text: 'SCIM 2.0' } },
            { label: 'Base URL', value: 'baseUrl' },
            { label: 'Token Key', value: 'token', onlyFor: 'bearer' },
            {
              label: 'Test User Email',
              value: { text: 'an address nobody uses in Rollcall' },
            },
            {
              label: 'Enable management of User Groups and Group Membership in this application',
              value: { text: 'checked, to push groups' },
            },
          ],
          notes: [
            'Click Test Connection, then Activate, then Save.',
            'Give people access by binding JumpCloud User Groups to the application (its User Groups tab).',
          ],
        },
      ],
      test: 'Test Connection creates a test user and a test group and deletes them again; the test user stays in Rollcall as a deactivated user.',
      licensePool: [
        {
          title: 'JumpCloud’s custom SCIM integration does not send licensePoolName',
          notes: [
            'Choose the pool with the SAML attribute instead (below): a provisioned user moves to that pool at their first sign-in.',
          ],
        },
      ],
    },
    saml: {
      steps: [
        {
          title:
            'The application → SSO tab (or Upload Metadata with Rollcall’s SP metadata, which fills these)',
          fields: [
            { label: 'SP Entity ID', value: 'entityId' },
            { label: 'ACS URLs (default URL)', value: 'acsUrl' },
            { label: 'Login URL', value: 'loginUrl' },
            { label: 'SAMLSubject NameID', value: { text: 'email' } },
            {
              label: 'SAMLSubject NameID Format',
              value: { text: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' },
            },
            {
              label: 'IdP Entity ID',
              value: { text: 'a value of your choice (Rollcall reads it from the metadata)' },
            },
            { label: 'Signature', value: { text: 'assertion, response or both' } },
          ],
          notes: ['Activate.'],
        },
      ],
      attributes: [
        { idp: 'email', rollcall: 'email' },
        { idp: 'firstname', rollcall: 'firstName' },
        { idp: 'lastname', rollcall: 'lastName' },
        {
          idp: 'a custom user attribute (e.g. licensePool), a group-inherited attribute or a constant',
          rollcall: 'licensePoolName',
        },
      ],
      metadata: 'SSO tab → Export Metadata (or Copy Metadata URL).',
    },
  },
  {
    id: 'google',
    name: 'Google Workspace',
    doc: 'docs/idp/google.md',
    scim: {
      supported: false,
      note: 'Google Workspace does not provision users into Rollcall: its automated provisioning works only for apps in Google’s own catalogue, and a custom SAML app gets single sign-on only. Leave SCIM off: people get their Rollcall account at their first sign-in (just-in-time provisioning, which works only while SCIM is off). When someone leaves, deactivate them in Rollcall (All users).',
      authMethods: ['bearer', 'basic'],
      steps: [],
      test: 'Google sends no SCIM requests.',
      licensePool: [],
    },
    saml: {
      steps: [
        {
          title:
            'Google Admin console: Apps → Web and mobile apps → Add app → Add custom SAML app; give it an App name and Continue',
        },
        {
          title: 'Google Identity Provider details',
          notes: ['Download Metadata (you send it to Rollcall below), then Continue.'],
        },
        {
          title: 'Service provider details',
          fields: [
            { label: 'ACS URL', value: 'acsUrl' },
            { label: 'Entity ID', value: 'entityId' },
            { label: 'Start URL (optional)', value: 'loginUrl' },
            { label: 'Signed response', value: { text: 'either way' } },
            { label: 'Name ID format', value: { text: 'EMAIL' } },
            { label: 'Name ID', value: { text: 'Basic Information > Primary email' } },
          ],
          notes: ['Continue to Attribute mapping.'],
        },
        {
          title: 'Attribute mapping → Add mapping (Google Directory attributes → App attributes)',
          notes: [
            'Finish, then open the app’s User access and turn it ON for the organizational units or groups that may use Rollcall.',
          ],
        },
      ],
      attributes: [
        { idp: 'Basic Information > Primary email', rollcall: 'email' },
        { idp: 'Basic Information > First name', rollcall: 'firstName' },
        { idp: 'Basic Information > Last name', rollcall: 'lastName' },
        {
          idp: 'a custom attribute, or e.g. Employee details > Department',
          rollcall: 'licensePoolName',
        },
      ],
      metadata: 'Google Identity Provider details → Download Metadata (GoogleIDPMetadata.xml).',
    },
  },
  {
    id: 'other',
    name: 'Another SCIM 2.0 / SAML 2.0 IdP',
    doc: 'docs/idp/other.md',
    scim: {
      supported: true,
      authMethods: ['bearer', 'basic'],
      steps: [
        {
          title: 'Your IdP’s SCIM 2.0 provisioning settings',
          fields: [
            { label: 'SCIM base URL', value: 'baseUrl' },
            {
              label: 'Authorization header',
              value: { text: 'Bearer <token>' },
              onlyFor: 'bearer',
            },
            { label: 'Token', value: 'token', onlyFor: 'bearer' },
            {
              label: 'Authorization header',
              value: { text: 'Basic base64(<username>:<password>)' },
              onlyFor: 'basic',
            },
            { label: 'Username', value: 'username', onlyFor: 'basic' },
            { label: 'Password', value: 'password', onlyFor: 'basic' },
          ],
          notes: [
            'Use userName (the person’s sign-in email, unique in any case) as the matching attribute for users and displayName for groups.',
            'Deprovisioning should send active: false (or DELETE). A PUT replaces the user: send every attribute you want kept.',
          ],
        },
      ],
      test: 'GET <base URL>/ServiceProviderConfig answers without credentials; GET <base URL>/Users?count=1 with them answers a ListResponse.',
      licensePool: [
        {
          title: 'Send licensePoolName in the Rollcall extension',
          fields: [
            {
              label: 'Attribute',
              value: {
                text: 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User:licensePoolName',
              },
            },
          ],
          notes: [
            'Also read under urn:ietf:params:scim:schemas:extension:udemy:2.0:User and at the top level.',
          ],
        },
      ],
    },
    saml: {
      steps: [
        {
          title: 'Your IdP’s SAML 2.0 application',
          fields: [
            { label: 'SP entity id / Audience / Identifier', value: 'entityId' },
            { label: 'ACS URL / Reply URL / Recipient (HTTP-POST)', value: 'acsUrl' },
            { label: 'Sign-on URL (SP-initiated start)', value: 'loginUrl' },
            { label: 'SP metadata (to import instead of typing)', value: 'metadataUrl' },
            {
              label: 'Name ID format',
              value: { text: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' },
            },
          ],
          notes: ['Sign the response or the assertion.'],
        },
      ],
      attributes: [
        { idp: 'the person’s email', rollcall: 'email' },
        { idp: 'given name', rollcall: 'firstName' },
        { idp: 'family name', rollcall: 'lastName' },
        { idp: 'the pool’s name', rollcall: 'licensePoolName' },
      ],
      metadata: 'Your IdP’s metadata document (XML), or its URL.',
    },
  },
];

export function guideFor(id: string | null | undefined): IdpGuide | undefined {
  return IDP_GUIDES.find((guide) => guide.id === id);
}
