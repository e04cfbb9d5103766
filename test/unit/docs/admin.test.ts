import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withAdminBlocks } from '../../../scripts/docs/admin-doc.ts';
import { chromeLinuxJson, EXAMPLE_POLICY, firefoxPoliciesJson, macosProfile, windowsReg } from '../../../scripts/docs/policy-formats.ts';
import { CHROME_EXTENSION_ID, GECKO_ID } from '../../../scripts/browsers/paths.ts';
import { mergeSettings } from '../../../src/core/settings/index.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('docs/ADMIN.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'ADMIN.md'), 'utf8');

  it('has the generated settings table and policy files of today (run `npm run docs`)', () => {
    expect(doc).toBe(withAdminBlocks(doc));
  });

  it('gives an example every value of which PeerCache accepts (but the placeholder key)', () => {
    const { groupKey: _placeholder, ...rest } = EXAMPLE_POLICY;
    const merged = mergeSettings({ policy: { ...rest, groupKey: 'ab'.repeat(32) } });
    expect(merged.problems).toEqual([]);
    expect([...merged.locked].sort()).toEqual(Object.keys(EXAMPLE_POLICY).sort());
  });

  it('writes the four formats the browsers read', () => {
    expect(JSON.parse(chromeLinuxJson())['3rdparty'].extensions[CHROME_EXTENSION_ID].lanNodes).toEqual(EXAMPLE_POLICY.lanNodes);
    const ff = JSON.parse(firefoxPoliciesJson()).policies;
    expect(ff['3rdparty'].Extensions[GECKO_ID].sharingMode).toBe('lan');
    expect(ff.ExtensionSettings[GECKO_ID].installation_mode).toBe('force_installed');
    const reg = windowsReg();
    expect(reg).toContain(`\\3rdparty\\extensions\\${CHROME_EXTENSION_ID}\\policy]`);
    expect(reg).toContain('"maxUploadKbps"=dword:00004e20');
    expect(reg).toContain('"trustGroupBindings"=dword:00000001');
    expect(reg).toContain(`\\policy\\blockedSites]\r\n"1"="bank.example"\r\n"2"="*.hr.corp.example"`);
    const plist = macosProfile();
    expect(plist).toContain(`<string>com.google.Chrome.extensions.${CHROME_EXTENSION_ID}</string>`);
    expect(plist).toContain('<key>maxUploadKbps</key>\n      <integer>20000</integer>');
    expect(plist.match(/<dict>/g)?.length).toBe(plist.match(/<\/dict>/g)?.length);
  });
});
