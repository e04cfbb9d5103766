/**
 * Plain mirrors of the `chrome.declarativeNetRequest` types this engine builds
 * (https://developer.chrome.com/docs/extensions/reference/api/declarativeNetRequest), so
 * rule building stays pure and testable; only src/extension/platform/ hands them to Chrome.
 * Just the fields we use are declared.
 */

/** `ResourceType`. */
export type DnrResourceType =
  | 'main_frame'
  | 'sub_frame'
  | 'stylesheet'
  | 'script'
  | 'image'
  | 'font'
  | 'object'
  | 'xmlhttprequest'
  | 'ping'
  | 'csp_report'
  | 'media'
  | 'websocket'
  | 'webtransport'
  | 'webbundle'
  | 'other';

/** `RequestMethod`. */
export type DnrRequestMethod = 'connect' | 'delete' | 'get' | 'head' | 'options' | 'patch' | 'post' | 'put' | 'other';

/** `RuleCondition`, the fields we use. */
export interface DnrRuleCondition {
  regexFilter?: string;
  /** `|url|`: exactly one URL (for one too long for a regex). */
  urlFilter?: string;
  /** Defaults to FALSE since Chrome 118; we always set it to true for exact URLs. */
  isUrlFilterCaseSensitive?: boolean;
  resourceTypes?: DnrResourceType[];
  requestMethods?: DnrRequestMethod[];
  /** Matches the request initiator's host AND its subdomains. Must not be empty if present. */
  initiatorDomains?: string[];
  /** Same matching; takes precedence over `initiatorDomains`. */
  excludedInitiatorDomains?: string[];
}

/** `RuleAction`, the kinds we use: a redirect to a URL (`data:`) or to a packaged file, or allow. */
export type DnrRuleAction =
  | { type: 'redirect'; redirect: { url: string } }
  | { type: 'redirect'; redirect: { extensionPath: string } }
  | { type: 'allow' };

/** `Rule`. */
export interface DnrRule {
  id: number;
  priority: number;
  action: DnrRuleAction;
  condition: DnrRuleCondition;
}

/** `UpdateRuleOptions`, the argument of `updateSessionRules` / `updateDynamicRules`. */
export interface DnrRuleUpdate {
  addRules: DnrRule[];
  removeRuleIds: number[];
}
