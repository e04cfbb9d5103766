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
    // Shown with plain line ends (a Markdown file with CRLF in places is fragile); regedit
    // wants the file saved as CRLF, which any Windows editor does.
    'chrome-windows': fenced('reg', windowsReg().replace(/\r\n/g, '\n')),
    'chromium-windows': fenced('reg', windowsReg(undefined, 'Chromium').replace(/\r\n/g, '\n')),
    'chrome-macos': fenced('xml', macosProfile()),
    'firefox': fenced('json', firefoxPoliciesJson()),
  };
  for (const [name, content] of Object.entries(blocks)) out = withGenerated(out, ...block(name), content);
  return out;
}
