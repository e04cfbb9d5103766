// The generated parts of docs/ADMIN.md: the settings table and the policy files.
import { chromeLinuxJson, firefoxPoliciesJson, macosProfile, windowsReg } from './policy-formats.ts';
import { withGenerated, withSettingsTable } from './settings-table.ts';

const block = (name: string): [string, string] => [`<!-- generated:${name}:start -->`, `<!-- generated:${name}:end -->`];
const fenced = (lang: string, text: string): string => `\`\`\`${lang}\n${text}\n\`\`\``;

/** Returns ADMIN.md with every generated block rewritten. */
export function withAdminBlocks(doc: string): string {
  let out = withSettingsTable(doc);
  const blocks: Record<string, string> = {
    'chrome-linux': fenced('json', chromeLinuxJson()),
    'chrome-windows': fenced('reg', windowsReg()),
    'chromium-windows': fenced('reg', windowsReg(undefined, 'Chromium')),
    'chrome-macos': fenced('xml', macosProfile()),
    'firefox': fenced('json', firefoxPoliciesJson()),
  };
  for (const [name, content] of Object.entries(blocks)) out = withGenerated(out, ...block(name), content);
  return out;
}
