// Ready-to-use policy files for docs/ADMIN.md, generated from one example so the four formats
// never disagree. Chromium-family browsers read extension policy under "3rdparty"; the schema
// they check values against is the generated managed_schema.json.
// https://www.chromium.org/administrators/configuring-policy-for-extensions/
import { CHROME_EXTENSION_ID, GECKO_ID } from '../browsers/paths.ts';

/** The example an admin starts from: LAN sharing through one node, in a closed group. */
export const EXAMPLE_POLICY = {
  sharingMode: 'lan',
  lanNodes: ['/ip4/192.168.1.10/tcp/4002/ws'],
  groupKey: '<64 hex characters: openssl rand -hex 32>',
  trustGroupBindings: true,
  maxUploadKbps: 20000,
  blockedSites: ['bank.example', '*.hr.corp.example'],
} as const satisfies Record<string, unknown>;

type Policy = Record<string, string | number | boolean | readonly string[]>;

export function chromeLinuxJson(policy: Policy = EXAMPLE_POLICY): string {
  return JSON.stringify({ '3rdparty': { extensions: { [CHROME_EXTENSION_ID]: policy } } }, null, 2);
}

const regString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A .reg file: values under ...\3rdparty\extensions\<id>\policy, lists as numbered subkeys. */
export function windowsReg(policy: Policy = EXAMPLE_POLICY, vendorKey = 'Google\\Chrome'): string {
  const base = `HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\${vendorKey}\\3rdparty\\extensions\\${CHROME_EXTENSION_ID}\\policy`;
  const lines = ['Windows Registry Editor Version 5.00', '', `[${base}]`];
  const lists: string[] = [];
  for (const [name, value] of Object.entries(policy)) {
    if (Array.isArray(value)) {
      lists.push('', `[${base}\\${name}]`, ...value.map((v, i) => `"${i + 1}"=${regString(v)}`));
    } else if (typeof value === 'boolean' || typeof value === 'number') {
      lines.push(`"${name}"=dword:${(typeof value === 'boolean' ? Number(value) : value).toString(16).padStart(8, '0')}`);
    } else {
      lines.push(`"${name}"=${regString(value as string)}`);
    }
  }
  return [...lines, ...lists].join('\r\n');
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function plistValue(value: Policy[string], indent: string): string {
  if (Array.isArray(value)) return `${indent}<array>\n${value.map((v) => `${indent}  <string>${xml(v)}</string>`).join('\n')}\n${indent}</array>`;
  if (typeof value === 'boolean') return `${indent}<${value}/>`;
  if (typeof value === 'number') return `${indent}<integer>${value}</integer>`;
  return `${indent}<string>${xml(value as string)}</string>`;
}

/** A macOS configuration profile payload for the domain com.google.Chrome.extensions.<id>. */
export function macosProfile(policy: Policy = EXAMPLE_POLICY): string {
  const entries = Object.entries(policy).map(([k, v]) => `      <key>${k}</key>\n${plistValue(v, '      ')}`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadType</key>
      <string>com.google.Chrome.extensions.${CHROME_EXTENSION_ID}</string>
      <key>PayloadIdentifier</key>
      <string>dev.peercache.policy</string>
      <key>PayloadUUID</key>
      <string>6F1E2B8A-3C4D-4E5F-8A9B-0C1D2E3F4A5B</string>
      <key>PayloadVersion</key>
      <integer>1</integer>
${entries}
    </dict>
  </array>
  <key>PayloadDisplayName</key>
  <string>PeerCache</string>
  <key>PayloadIdentifier</key>
  <string>dev.peercache</string>
  <key>PayloadType</key>
  <string>Configuration</string>
  <key>PayloadUUID</key>
  <string>0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D</string>
  <key>PayloadVersion</key>
  <integer>1</integer>
</dict>
</plist>`;
}

/** Firefox distribution/policies.json: settings under 3rdparty, plus a forced install. */
export function firefoxPoliciesJson(policy: Policy = EXAMPLE_POLICY, xpiUrl = 'https://intranet.example/peercache.xpi'): string {
  return JSON.stringify(
    {
      policies: {
        ExtensionSettings: { [GECKO_ID]: { installation_mode: 'force_installed', install_url: xpiUrl } },
        '3rdparty': { Extensions: { [GECKO_ID]: policy } },
      },
    },
    null,
    2,
  );
}
