/**
 * Is this network metered, and does that pause peer traffic? Desktop browsers give no reliable
 * signal (architecture.md, "Policy"), so three are combined: the Network Information API
 * (`saveData`, `type === 'cellular'`, where the browser has it: Chromium, not Firefox), the
 * user's or admin's "this network is metered" switch, and `meteredMode`.
 */

/** What the browser tells about the connection, if anything. */
export interface ConnectionHints {
  readonly saveData?: boolean;
  readonly type?: string;
}

export type MeteredReason = 'setting' | 'save-data' | 'cellular';

export interface NetworkState {
  readonly metered: boolean;
  /** Why it counts as metered (the first that applies), for the popup. */
  readonly reason?: MeteredReason;
  /** No peer bytes in or out while true; serving from the local cache continues. */
  readonly sharingPaused: boolean;
}

/** Combines the hints with the `treatAsMetered` and `meteredMode` settings. */
export function networkState(hints: ConnectionHints | undefined, settings: { treatAsMetered: boolean; meteredMode: string }): NetworkState {
  const reason: MeteredReason | undefined = settings.treatAsMetered
    ? 'setting'
    : hints?.saveData === true
      ? 'save-data'
      : hints?.type === 'cellular'
        ? 'cellular'
        : undefined;
  const metered = reason !== undefined;
  return { metered, ...(reason ? { reason } : {}), sharingPaused: metered && settings.meteredMode !== 'ignore' };
}
