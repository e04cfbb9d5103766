/**
 * The ONE settings schema. Names are an admin-facing contract (admins write them into policy
 * files), so a name is never renamed or re-typed; add new ones instead.
 *
 * Everything else derives from this table: the Chrome `managed_schema`, the defaults, validation,
 * the policy/user merge and the options page.
 */

/** Options-page groups, in display order. */
export const SETTING_GROUPS = ['cache', 'sharing', 'limits', 'privacy', 'advanced'] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

interface Common {
  readonly group: SettingGroup;
  /** Short English label; the options page shows it. */
  readonly label: string;
  /** What it does, and why the default is what it is. */
  readonly help: string;
}

/** The kinds of value a setting may hold, each with its own constraints. */
export type SettingDef =
  | (Common & { readonly kind: 'boolean'; readonly default: boolean })
  | (Common & { readonly kind: 'enum'; readonly values: readonly string[]; readonly valueLabels: readonly string[]; readonly default: string })
  | (Common & { readonly kind: 'integer'; readonly min: number; readonly max: number; readonly unit: string; readonly default: number })
  | (Common & { readonly kind: 'groupKey'; readonly default: '' })
  | (Common & { readonly kind: 'list'; readonly item: 'lanMultiaddr' | 'site'; readonly maxItems: number; readonly default: readonly string[] });

export const SETTINGS = {
  enabled: {
    kind: 'boolean', group: 'cache', default: true,
    label: 'PeerCache is on',
    help: 'Master switch. Off means PeerCache neither serves, learns nor shares anything.',
  },
  cacheEnabled: {
    kind: 'boolean', group: 'cache', default: true,
    label: 'Serve pages from the shared cache',
    help: 'Learn static assets from your browsing and serve them to other sites from the local cache. It only ever saves downloads, so it is on by default.',
  },
  maxCacheMB: {
    kind: 'integer', group: 'cache', min: 16, max: 102_400, unit: 'MB', default: 512,
    label: 'Cache size',
    help: 'Disk space the cache may use; the least recently used assets are removed first. 512 MB holds thousands of library files and is small next to the browser\'s own cache.',
  },
  maxAssetMB: {
    kind: 'integer', group: 'cache', min: 1, max: 1024, unit: 'MB', default: 10,
    label: 'Largest asset',
    help: 'Assets bigger than this are never stored or shared. Scripts, styles and fonts are far smaller; 10 MB still admits large images and WebAssembly.',
  },
  sharingMode: {
    kind: 'enum', group: 'sharing', values: ['off', 'lan'], valueLabels: ['Off', 'Local network only'], default: 'lan',
    label: 'Share with the local network',
    help: '"lan" exchanges verified assets with peers on your local network only, and only once a LAN node is configured; "off" runs no peer-to-peer code at all.',
  },
  lanNodes: {
    kind: 'list', group: 'sharing', item: 'lanMultiaddr', maxItems: 16, default: [],
    label: 'LAN nodes',
    help: 'Addresses of your organisation\'s PeerCache LAN nodes, one per line, e.g. /ip4/192.168.1.10/tcp/4002/ws/p2p/12D3KooW… (the node prints its address at start and shows it on its status page). With /p2p/<id>, only that node is accepted at the address; without, the node that answers first is remembered and any other refused. Only private (LAN) IP addresses are accepted. Empty: no sharing.',
  },
  groupKey: {
    kind: 'groupKey', group: 'sharing', default: '',
    label: 'Group key',
    help: 'A shared secret (64 hexadecimal characters, e.g. from `openssl rand -hex 32`) that makes your peers a closed group: strangers on the same network cannot join. Empty: no group.',
  },
  replicatePopular: {
    kind: 'boolean', group: 'sharing', default: true,
    label: 'Fetch popular assets in the background',
    help: 'Copy assets that are popular on your LAN before you need them, so a first visit can already be served locally. Obeys metered networks and upload caps.',
  },
  maxUploadKbps: {
    kind: 'integer', group: 'limits', min: 0, max: 10_000_000, unit: 'kbit/s', default: 10_000,
    label: 'Upload speed limit',
    help: 'Most this browser sends to peers; 0 means it never uploads. 10 Mbit/s is unnoticeable on a wired LAN and gentle on Wi-Fi.',
  },
  monthlyUploadCapMB: {
    kind: 'integer', group: 'limits', min: 0, max: 10_000_000, unit: 'MB', default: 5_120,
    label: 'Monthly upload cap',
    help: 'Most this browser uploads to peers per calendar month; 0 means it never uploads.',
  },
  meteredMode: {
    kind: 'enum', group: 'limits', values: ['pause', 'ignore'], valueLabels: ['Pause sharing', 'Share anyway'], default: 'pause',
    label: 'On metered networks',
    help: '"pause" stops all peer traffic while the network is metered (serving from the local cache continues, it saves bytes); "ignore" shares anyway.',
  },
  treatAsMetered: {
    kind: 'boolean', group: 'limits', default: false,
    label: 'This network is metered',
    help: 'Desktop browsers cannot reliably tell a metered network; turn this on for a tethered phone or a capped link.',
  },
  requirePopular: {
    kind: 'boolean', group: 'privacy', default: true,
    label: 'Serve only popular assets across sites',
    help: 'Serve an asset to another site only if it is on the public hash list or held by enough LAN peers. This stops a site from timing loads to learn which other sites you visited. Turn off only if you accept that risk.',
  },
  minLanPeers: {
    kind: 'integer', group: 'privacy', min: 2, max: 1_000, unit: 'peers', default: 3,
    label: 'Peers that make an asset popular',
    help: 'How many distinct LAN peers must hold an asset before it counts as popular. Three keeps one or two people\'s browsing from being inferable.',
  },
  trustGroupBindings: {
    kind: 'boolean', group: 'privacy', default: false,
    label: 'Trust URL bindings from group members',
    help: 'Accept "this URL has this hash" from peers that prove group membership (needs a group key), so a colleague\'s first visit can be served locally. Off by default: it extends trust to every group member.',
  },
  blockedSites: {
    kind: 'list', group: 'advanced', item: 'site', maxItems: 5_000, default: [],
    label: 'Never use PeerCache on',
    help: 'Sites (one per line, e.g. bank.example or *.corp.example) where PeerCache neither learns, serves nor shares. A name also covers its subdomains.',
  },
  allowedSites: {
    kind: 'list', group: 'advanced', item: 'site', maxItems: 5_000, default: [],
    label: 'Use PeerCache only on',
    help: 'If not empty, PeerCache works only on these sites (and their subdomains). Blocked sites win over allowed ones.',
  },
} as const satisfies Record<string, SettingDef>;

export type SettingName = keyof typeof SETTINGS;

type ValueOf<D> = D extends { kind: 'boolean' }
  ? boolean
  : D extends { kind: 'enum'; values: readonly (infer V)[] }
    ? V
    : D extends { kind: 'integer' }
      ? number
      : D extends { kind: 'groupKey' }
        ? string
        : readonly string[];

/** The effective, fully valid settings. */
export type Settings = { readonly [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> };

/** All setting names in schema order. */
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** Returns the schema entry of a setting name, or undefined for an unknown name. */
export function settingDef(name: string): SettingDef | undefined {
  return Object.hasOwn(SETTINGS, name) ? (SETTINGS as Record<string, SettingDef>)[name] : undefined;
}

/** The defaults, derived from the schema. */
export function defaultSettings(): Settings {
  const out: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const d: SettingDef = SETTINGS[name];
    out[name] = Array.isArray(d.default) ? [...d.default] : d.default;
  }
  return out as Settings;
}
