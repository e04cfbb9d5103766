import { networkState, type ConnectionHints } from '../../core/metered.ts';
import type { MergedSettings } from '../../core/settings/index.ts';
import type { StatusView } from '../messages.ts';
import type { PeerStatus } from '../peers/peer-service.ts';

/** The popup's one-glance status: settings, network and LAN sharing (savings are asked apart, `ui-bg-get-stats`). */
export function statusOf(settings: MergedSettings, startedAt: number, hints?: ConnectionHints, peers?: PeerStatus): StatusView {
  const v = settings.values;
  return {
    enabled: v.enabled,
    cacheEnabled: v.cacheEnabled,
    sharing: v.sharingMode === 'off' ? 'off' : v.lanNodes.length === 0 ? 'no-lan-node' : 'configured',
    lockedByPolicy: settings.locked.length > 0,
    problems: settings.problems.length,
    network: networkState(hints, v),
    peers: peers ?? { state: 'off', lanNodes: 0, peers: 0 },
    startedAt,
  };
}
